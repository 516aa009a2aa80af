//! Opening a file with the desktop's default application (`xdg-open`, which follows the
//! user's MIME associations on every freedesktop desktop).

use std::path::Path;
use std::process::{Command, Stdio};

/// The program that opens a file or folder with its default application.
pub const OPENER: &str = "xdg-open";

/// Opens `path` in its default application; `name` is how the user knows the file.
pub fn open_in_default_app(path: &Path, name: &str) -> Result<(), String> {
    open_with(OPENER, path, name)
}

/// Opens `path` with `opener` (a program taking one path), and waits for it to say whether
/// it could: `xdg-open` exits once the application is started, with a non-zero code when
/// there is none for the file.
pub fn open_with(opener: &str, path: &Path, name: &str) -> Result<(), String> {
    if !path.exists() {
        return Err(crate::i18n::fill(
            &crate::i18n::tr("{} could not be opened: it is no longer on disk."),
            &[name],
        ));
    }
    let status = Command::new(opener)
        .arg(path)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map_err(|error| match error.kind() {
            std::io::ErrorKind::NotFound => crate::i18n::fill(
                &crate::i18n::tr("{} could not be opened: {} is not installed (package xdg-utils)."),
                &[name, opener],
            ),
            _ => crate::i18n::fill(
                &crate::i18n::tr("{} could not be opened: {} did not start ({})."),
                &[name, opener, &error.to_string()],
            ),
        })?;
    if status.success() {
        Ok(())
    } else {
        Err(crate::i18n::fill(
            &crate::i18n::tr("{} could not be opened: no application is set to open it ({} {})."),
            &[
                name,
                opener,
                &match status.code() {
                    Some(code) => crate::i18n::fill(&crate::i18n::tr("ended with code {}"), &[&code.to_string()]),
                    None => crate::i18n::tr("was stopped"),
                },
            ],
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_opener_gets_the_path_and_its_failure_is_a_sentence() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a b.png");
        std::fs::write(&file, b"x").unwrap();
        let record = dir.path().join("opened");
        let opener = dir.path().join("fake-open");
        std::fs::write(
            &opener,
            format!("#!/bin/sh\nprintf '%s' \"$1\" > '{}'\n", record.display()),
        )
        .unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&opener, std::fs::Permissions::from_mode(0o755)).unwrap();
        open_with(opener.to_str().unwrap(), &file, "a b.png").unwrap();
        assert_eq!(std::fs::read_to_string(&record).unwrap(), file.to_str().unwrap());

        let problem = open_with("false", &file, "a b.png").unwrap_err();
        assert!(
            problem.starts_with("a b.png could not be opened: no application"),
            "{problem}"
        );
        let problem = open_with("no-such-opener-program", &file, "a b.png").unwrap_err();
        assert!(problem.contains("is not installed"), "{problem}");
        let problem = open_with("true", &dir.path().join("gone.png"), "gone.png").unwrap_err();
        assert!(problem.contains("no longer on disk"), "{problem}");
    }
}
