//! Writing an exported file without ever replacing one and without ever leaving a partial
//! one: the bytes go to a hidden temporary file in the destination folder first, which is
//! then linked under the first free name ("name.jpg", "name (2).jpg", …). A link fails when
//! the name exists, so two exports into one folder cannot take the same name either.

use std::fs::OpenOptions;
use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

#[derive(Debug, thiserror::Error)]
pub enum WriteProblem {
    #[error("{}", crate::i18n::tr("the export was cancelled"))]
    Cancelled,
    #[error("{}", crate::i18n::fill(&crate::i18n::tr("could not write into {}: {}"), &[&.folder.to_string(), &.error.to_string()]))]
    Io { folder: String, error: std::io::Error },
    #[error("{}", crate::i18n::fill(&crate::i18n::tr("no free name like “{}” in the folder"), &[&.0.to_string()]))]
    NoFreeName(String),
}

/// The most names tried for one file (after that the folder is full of namesakes).
const MAX_SUFFIX: usize = 10_000;

/// Writes `bytes` into `folder` as `stem.extension`, or `stem (2).extension` and so on when
/// that name is taken; returns the path written. Cancelling before the file has its name
/// leaves nothing behind.
pub fn write_new(
    folder: &Path,
    stem: &str,
    extension: &str,
    bytes: &[u8],
    cancel: &AtomicBool,
) -> Result<PathBuf, WriteProblem> {
    let io = |error: std::io::Error| WriteProblem::Io {
        folder: folder.display().to_string(),
        error,
    };
    let temporary = folder.join(format!(".distillery-export-{}.part", uuid::Uuid::new_v4()));
    let written = (|| {
        let mut file = OpenOptions::new().write(true).create_new(true).open(&temporary)?;
        file.write_all(bytes)?;
        file.sync_all()
    })();
    if let Err(error) = written {
        let _ = std::fs::remove_file(&temporary);
        return Err(io(error));
    }
    let outcome = name_it(folder, stem, extension, &temporary, cancel).map_err(|problem| match problem {
        Named::Io(error) => io(error),
        Named::Cancelled => WriteProblem::Cancelled,
        Named::NoFreeName => WriteProblem::NoFreeName(format!("{stem}.{extension}")),
    });
    let _ = std::fs::remove_file(&temporary);
    outcome
}

enum Named {
    Io(std::io::Error),
    Cancelled,
    NoFreeName,
}

fn name_it(
    folder: &Path,
    stem: &str,
    extension: &str,
    temporary: &Path,
    cancel: &AtomicBool,
) -> Result<PathBuf, Named> {
    for n in 1..=MAX_SUFFIX {
        if cancel.load(Ordering::SeqCst) {
            return Err(Named::Cancelled);
        }
        let name = if n == 1 {
            format!("{stem}.{extension}")
        } else {
            format!("{stem} ({n}).{extension}")
        };
        let candidate = folder.join(name);
        match std::fs::hard_link(temporary, &candidate) {
            Ok(()) => return Ok(candidate),
            Err(error) if error.kind() == ErrorKind::AlreadyExists => continue,
            // File systems without links (FAT, some network shares): reserve the name with an
            // exclusive create, then move the finished file onto the reservation.
            Err(_) => match OpenOptions::new().write(true).create_new(true).open(&candidate) {
                Ok(_) => {
                    return std::fs::rename(temporary, &candidate)
                        .map(|()| candidate.clone())
                        .map_err(|error| {
                            let _ = std::fs::remove_file(&candidate);
                            Named::Io(error)
                        });
                }
                Err(error) if error.kind() == ErrorKind::AlreadyExists => continue,
                Err(error) => return Err(Named::Io(error)),
            },
        }
    }
    Err(Named::NoFreeName)
}
