//! Which file chooser this desktop has. rfd talks to the xdg-desktop-portal only; where no
//! portal runs (lightweight desktops, bare window managers, low-resource machines) the
//! chooser falls back to zenity or kdialog when installed, and otherwise to the app's own
//! path prompt, so "Import Files…" never does nothing.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// What the user is asked to choose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Choose {
    /// Files with one of `extensions` (several at once when `many`).
    Files {
        filter: String,
        extensions: Vec<String>,
        many: bool,
    },
    /// Folders (several at once when `many`).
    Folders { many: bool },
}

/// The chooser to use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Chooser {
    /// The desktop's portal (through rfd).
    Portal,
    /// A chooser program: zenity (GTK) or kdialog (KDE).
    Program { kind: ProgramKind, path: PathBuf },
    /// None at all: the app asks for a path itself.
    BuiltIn,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProgramKind {
    Zenity,
    Kdialog,
}

/// The best chooser here: the portal if one is on the session bus, else zenity or kdialog
/// found on `PATH`, else the built-in prompt. Blocks for a D-Bus round trip.
pub fn find_chooser() -> Chooser {
    if portal_is_running() {
        return Chooser::Portal;
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    program_chooser(&path).unwrap_or(Chooser::BuiltIn)
}

/// zenity or kdialog in the folders of `path` (a `PATH` value).
pub fn program_chooser(path: &std::ffi::OsStr) -> Option<Chooser> {
    for (kind, name) in [(ProgramKind::Zenity, "zenity"), (ProgramKind::Kdialog, "kdialog")] {
        if let Some(found) = std::env::split_paths(path)
            .map(|dir| dir.join(name))
            .find(|candidate| is_executable(candidate))
        {
            return Some(Chooser::Program { kind, path: found });
        }
    }
    None
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.metadata()
        .is_ok_and(|meta| meta.is_file() && meta.permissions().mode() & 0o111 != 0)
}

/// Whether a desktop portal with a file chooser runs on the session bus (or is started by
/// asking): its FileChooser interface answers for its version. A portal without a chooser
/// backend, or no portal at all, does not.
fn portal_is_running() -> bool {
    let Ok(bus) = zbus::blocking::Connection::session() else {
        return false;
    };
    let version = bus
        .call_method(
            Some("org.freedesktop.portal.Desktop"),
            "/org/freedesktop/portal/desktop",
            Some("org.freedesktop.DBus.Properties"),
            "Get",
            &("org.freedesktop.portal.FileChooser", "version"),
        )
        .and_then(|reply| reply.body().deserialize::<zbus::zvariant::OwnedValue>());
    match version {
        Ok(_) => true,
        Err(error) => {
            tracing::info!(%error, "no desktop portal with a file chooser");
            false
        }
    }
}

/// Runs a chooser program and returns what was chosen (nothing when cancelled), or why it
/// could not run.
pub fn run_program(kind: ProgramKind, program: &Path, choose: &Choose, title: &str) -> Result<Vec<PathBuf>, String> {
    let args = program_args(kind, choose, title);
    let output = Command::new(program)
        .args(&args)
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .map_err(|error| {
            crate::i18n::fill(
                &crate::i18n::tr("the file chooser {} did not start ({})"),
                &[&program.display().to_string(), &error.to_string()],
            )
        })?;
    // Both exit with 1 when the user cancels.
    if !output.status.success() {
        return Ok(Vec::new());
    }
    Ok(String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(PathBuf::from)
        .collect())
}

fn program_args(kind: ProgramKind, choose: &Choose, title: &str) -> Vec<String> {
    let home = std::env::var("HOME").unwrap_or_else(|_| "/".to_owned());
    match (kind, choose) {
        (
            ProgramKind::Zenity,
            Choose::Files {
                filter,
                extensions,
                many,
            },
        ) => {
            let mut args = vec!["--file-selection".to_owned(), format!("--title={title}")];
            if *many {
                args.extend(["--multiple".to_owned(), "--separator=\n".to_owned()]);
            }
            let patterns: Vec<String> = extensions.iter().flat_map(|e| case_patterns(e)).collect();
            if !patterns.is_empty() {
                args.push(format!("--file-filter={filter} | {}", patterns.join(" ")));
                args.push("--file-filter=All files | *".to_owned());
            }
            args
        }
        (ProgramKind::Zenity, Choose::Folders { many }) => {
            let mut args = vec![
                "--file-selection".to_owned(),
                "--directory".to_owned(),
                format!("--title={title}"),
            ];
            if *many {
                args.extend(["--multiple".to_owned(), "--separator=\n".to_owned()]);
            }
            args
        }
        (
            ProgramKind::Kdialog,
            Choose::Files {
                filter,
                extensions,
                many,
            },
        ) => {
            let patterns: Vec<String> = extensions.iter().flat_map(|e| case_patterns(e)).collect();
            let filter = match patterns.is_empty() {
                true => "*".to_owned(),
                false => format!("{} ({filter})", patterns.join(" ")),
            };
            let mut args = vec![
                "--title".to_owned(),
                title.to_owned(),
                "--getopenfilename".to_owned(),
                home,
                filter,
            ];
            if *many {
                args.extend(["--multiple".to_owned(), "--separate-output".to_owned()]);
            }
            args
        }
        // kdialog chooses one folder at a time.
        (ProgramKind::Kdialog, Choose::Folders { .. }) => vec![
            "--title".to_owned(),
            title.to_owned(),
            "--getexistingdirectory".to_owned(),
            home,
        ],
    }
}

/// `*.png` and `*.PNG`: both choosers match patterns case-sensitively.
fn case_patterns(extension: &str) -> [String; 2] {
    [
        format!("*.{}", extension.to_lowercase()),
        format!("*.{}", extension.to_uppercase()),
    ]
}

/// The paths typed into the built-in prompt, one per line: `~` expanded, each checked to
/// exist and to be the kind asked for. Nothing typed is `Ok` of nothing (a cancel).
pub fn typed_paths(text: &str, choose: &Choose) -> Result<Vec<PathBuf>, String> {
    let home = std::env::var_os("HOME").map(PathBuf::from);
    let mut paths = Vec::new();
    for line in text.lines().map(str::trim).filter(|line| !line.is_empty()) {
        let line = line.trim_matches(|c| c == '"' || c == '\'');
        let path = match (line.strip_prefix("~/"), &home) {
            (Some(rest), Some(home)) => home.join(rest),
            _ if line == "~" => home.clone().unwrap_or_else(|| PathBuf::from(line)),
            _ => PathBuf::from(line.strip_prefix("file://").unwrap_or(line)),
        };
        if !path.is_absolute() {
            return Err(format!("{line} is not a full path (it should start with / or ~/)."));
        }
        let meta = path
            .metadata()
            .map_err(|_| format!("{} does not exist.", path.display()))?;
        match choose {
            Choose::Folders { .. } if !meta.is_dir() => {
                return Err(format!("{} is not a folder.", path.display()));
            }
            Choose::Files { .. } if meta.is_dir() && !allows_folders(choose) => {
                return Err(format!("{} is a folder; choose a file.", path.display()));
            }
            _ => {}
        }
        paths.push(path);
        if !many(choose) {
            break;
        }
    }
    Ok(paths)
}

fn many(choose: &Choose) -> bool {
    match choose {
        Choose::Files { many, .. } | Choose::Folders { many } => *many,
    }
}

/// Several files may be imported as their folder too: a folder typed where files are asked
/// for several at once is taken (imports walk folders).
fn allows_folders(choose: &Choose) -> bool {
    matches!(choose, Choose::Files { many: true, .. })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn images() -> Choose {
        Choose::Files {
            filter: "Images".into(),
            extensions: vec!["png".into(), "jpg".into()],
            many: true,
        }
    }

    fn script(dir: &Path, name: &str, body: &str) -> PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        path
    }

    #[test]
    fn zenity_is_preferred_then_kdialog_then_the_built_in_prompt() {
        let dir = tempfile::tempdir().unwrap();
        let (zen, kde) = (dir.path().join("zen"), dir.path().join("kde"));
        std::fs::create_dir_all(&zen).unwrap();
        std::fs::create_dir_all(&kde).unwrap();
        let path = std::env::join_paths([&zen, &kde]).unwrap();
        assert_eq!(program_chooser(&path), None);
        script(&kde, "kdialog", "exit 0");
        assert_eq!(
            program_chooser(&path),
            Some(Chooser::Program {
                kind: ProgramKind::Kdialog,
                path: kde.join("kdialog")
            })
        );
        // Not executable: not a chooser.
        std::fs::write(zen.join("zenity"), "").unwrap();
        assert!(matches!(
            program_chooser(&path),
            Some(Chooser::Program {
                kind: ProgramKind::Kdialog,
                ..
            })
        ));
        script(&zen, "zenity", "exit 0");
        assert!(matches!(
            program_chooser(&path),
            Some(Chooser::Program {
                kind: ProgramKind::Zenity,
                ..
            })
        ));
    }

    #[test]
    fn a_chooser_program_answers_with_paths_or_nothing_when_cancelled() {
        let dir = tempfile::tempdir().unwrap();
        let args = dir.path().join("args");
        let chosen = script(
            dir.path(),
            "zenity",
            &format!(
                "printf '%s\\n' \"$@\" > '{}'\nprintf '/tmp/a b.png\\n/tmp/c.jpg\\n'",
                args.display()
            ),
        );
        let paths = run_program(ProgramKind::Zenity, &chosen, &images(), "Import images").unwrap();
        assert_eq!(paths, vec![PathBuf::from("/tmp/a b.png"), PathBuf::from("/tmp/c.jpg")]);
        let given = std::fs::read_to_string(&args).unwrap();
        assert!(
            given.contains("--file-selection\n--title=Import images\n--multiple"),
            "{given}"
        );
        assert!(
            given.contains("--file-filter=Images | *.png *.PNG *.jpg *.JPG"),
            "{given}"
        );

        let cancelled = script(dir.path(), "cancel", "exit 1");
        assert_eq!(
            run_program(ProgramKind::Kdialog, &cancelled, &Choose::Folders { many: false }, "t").unwrap(),
            Vec::<PathBuf>::new()
        );
        let problem = run_program(ProgramKind::Zenity, &dir.path().join("missing"), &images(), "t").unwrap_err();
        assert!(problem.contains("did not start"), "{problem}");
    }

    #[test]
    fn typed_paths_are_checked_before_anything_is_imported() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("x.png");
        std::fs::write(&file, b"x").unwrap();
        let text = format!("  {}\n\n'{}'\n", file.display(), dir.path().display());
        assert_eq!(
            typed_paths(&text, &images()).unwrap(),
            vec![file.clone(), dir.path().to_owned()]
        );
        assert_eq!(typed_paths("  \n", &images()).unwrap(), Vec::<PathBuf>::new());
        let missing = dir.path().join("nope.png");
        assert_eq!(
            typed_paths(&missing.display().to_string(), &images()).unwrap_err(),
            format!("{} does not exist.", missing.display())
        );
        assert!(
            typed_paths("photos/x.png", &images())
                .unwrap_err()
                .contains("not a full path")
        );
        assert_eq!(
            typed_paths(&file.display().to_string(), &Choose::Folders { many: true }).unwrap_err(),
            format!("{} is not a folder.", file.display())
        );
        let one_file = Choose::Files {
            filter: "Models".into(),
            extensions: vec!["gguf".into()],
            many: false,
        };
        assert!(
            typed_paths(&dir.path().display().to_string(), &one_file)
                .unwrap_err()
                .contains("is a folder")
        );
    }
}
