//! Where the log file lives. Logs are state, not data: by default they go to the XDG state
//! folder (`$XDG_STATE_HOME/distillery`, else `~/.local/state/distillery`), and the
//! `logs/` folder that earlier versions kept in the data folder is moved there once. A data
//! folder given with `--data-dir` is a profile of its own (a test, a portable setup, a
//! second profile): its logs stay inside it, in `logs/`, so two profiles never share a file.

use std::io::ErrorKind;
use std::path::{Path, PathBuf};

/// The log folder: `<data-dir>/logs` for an explicit data folder, else the state folder.
/// `state_dir` is `None` where the platform has no state folder.
fn log_dir(explicit_data_dir: Option<&Path>, default_data_dir: &Path, state_dir: Option<&Path>) -> PathBuf {
    match (explicit_data_dir, state_dir) {
        (Some(data_dir), _) => data_dir.join("logs"),
        (None, Some(state)) => state.to_owned(),
        (None, None) => default_data_dir.join("logs"),
    }
}

/// The log folder for this run (`explicit_data_dir` is `--data-dir`, `data_dir` the one in
/// use), once an older version's logs in `data_dir/logs` have moved into it; with what
/// could not be moved, for a warning once logging runs.
pub fn for_this_run(explicit_data_dir: Option<&Path>, data_dir: &Path) -> (PathBuf, Vec<String>) {
    let dir = log_dir(explicit_data_dir, data_dir, default_state_dir().as_deref());
    let old = data_dir.join("logs");
    let unmoved = if explicit_data_dir.is_none() && dir != old {
        move_old_logs(&old, &dir)
    } else {
        Vec::new()
    };
    (dir, unmoved)
}

/// The platform's state folder for Distillery, if it has one.
fn default_state_dir() -> Option<PathBuf> {
    directories::ProjectDirs::from("", "", "Distillery").and_then(|dirs| dirs.state_dir().map(Path::to_owned))
}

/// Moves the log files of an older version from `old` into `new`, never replacing a file
/// that is already there (a file that would be is left where it was), and removes `old`
/// once empty. Safe while other processes start and log at the same time: each file moves
/// whole or not at all. Returns what could not be moved, for a warning.
fn move_old_logs(old: &Path, new: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(old) else {
        return Vec::new();
    };
    let mut problems = Vec::new();
    if let Err(error) = std::fs::create_dir_all(new) {
        return vec![format!("{}: {error}", new.display())];
    }
    for entry in entries.flatten() {
        let from = entry.path();
        if !from.is_file() {
            continue;
        }
        let to = new.join(entry.file_name());
        if let Err(error) = move_without_replacing(&from, &to) {
            problems.push(format!("{}: {error}", from.display()));
        }
    }
    // Fails, harmlessly, while anything is left in it.
    let _ = std::fs::remove_dir(old);
    problems
}

fn move_without_replacing(from: &Path, to: &Path) -> std::io::Result<()> {
    // A hard link fails when `to` exists, where a rename would replace it.
    match std::fs::hard_link(from, to) {
        Ok(()) => std::fs::remove_file(from),
        Err(error) if error.kind() == ErrorKind::AlreadyExists => Err(error),
        Err(error) if error.kind() == ErrorKind::NotFound => Ok(()), // another process moved it
        // Another file system (or one without hard links): copy into a new file instead.
        Err(_) => {
            let mut target = std::fs::OpenOptions::new().write(true).create_new(true).open(to)?;
            let mut source = std::fs::File::open(from)?;
            std::io::copy(&mut source, &mut target)?;
            target.sync_all()?;
            std::fs::remove_file(from)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_explicit_data_folder_keeps_its_logs_and_the_default_uses_the_state_folder() {
        let (data, default, state) = (
            Path::new("/p/data"),
            Path::new("/home/u/.local/share/distillery"),
            Path::new("/home/u/.local/state/distillery"),
        );
        assert_eq!(log_dir(Some(data), default, Some(state)), data.join("logs"));
        assert_eq!(log_dir(None, default, Some(state)), state);
        assert_eq!(log_dir(None, default, None), default.join("logs"));
    }

    #[test]
    fn old_logs_move_once_and_nothing_is_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let (old, new) = (dir.path().join("data/logs"), dir.path().join("state"));
        std::fs::create_dir_all(&old).unwrap();
        std::fs::create_dir_all(&new).unwrap();
        std::fs::write(old.join("distillery.log"), "old current\n").unwrap();
        std::fs::write(old.join("distillery.log.1"), "old rotated\n").unwrap();
        std::fs::write(new.join("distillery.log"), "already here\n").unwrap();

        let problems = move_old_logs(&old, &new);
        assert_eq!(problems.len(), 1, "the clash is reported: {problems:?}");
        assert_eq!(
            std::fs::read_to_string(new.join("distillery.log")).unwrap(),
            "already here\n"
        );
        assert_eq!(
            std::fs::read_to_string(new.join("distillery.log.1")).unwrap(),
            "old rotated\n"
        );
        assert_eq!(
            std::fs::read_to_string(old.join("distillery.log")).unwrap(),
            "old current\n",
            "a file that would replace another stays where it was"
        );

        std::fs::remove_file(new.join("distillery.log")).unwrap();
        assert!(move_old_logs(&old, &new).is_empty());
        assert_eq!(
            std::fs::read_to_string(new.join("distillery.log")).unwrap(),
            "old current\n"
        );
        assert!(!old.exists(), "the emptied old folder is gone");
        assert!(
            move_old_logs(&old, &new).is_empty(),
            "a second start finds nothing to move"
        );
    }
}
