//! SQLite's errors while opening a library, named for people: the file, and whether the
//! disk is full, the folder read-only or the file damaged.

use super::DbError;
use std::path::Path;

/// A full disk or a read-only folder, named with the database file and the cause; anything
/// else as [`corrupt_or_query`] reads it.
pub(super) fn unwritable_or_query(path: &Path, error: diesel::result::Error) -> DbError {
    let text = error.to_string();
    let causes = [
        ("disk is full", "the disk is full"),
        ("database or disk is full", "the disk is full"),
        ("readonly", "the folder or file is read-only"),
        ("read-only", "the folder or file is read-only"),
        ("unable to open", "it cannot be opened"),
    ];
    match causes.iter().find(|(needle, _)| text.contains(needle)) {
        Some((_, cause)) => DbError::Unwritable {
            path: path.to_owned(),
            cause: (*cause).to_owned(),
            detail: text,
        },
        None => corrupt_or_query(path, error),
    }
}

pub(super) fn migration_error(path: &Path, text: String) -> DbError {
    let cause = if text.contains("full") {
        "the disk is full"
    } else if text.contains("readonly") || text.contains("read-only") {
        "its folder is read-only"
    } else {
        return DbError::Migration(text);
    };
    DbError::Unwritable {
        path: path.to_owned(),
        cause: cause.to_owned(),
        detail: text,
    }
}

/// SQLite reports a damaged file through a few error codes; name the file when it does.
pub(super) fn corrupt_or_query(path: &Path, error: diesel::result::Error) -> DbError {
    let text = error.to_string();
    let damaged = ["malformed", "not a database", "corrupt", "file is encrypted"];
    if damaged.iter().any(|word| text.contains(word)) {
        DbError::Corrupt {
            path: path.to_owned(),
            detail: text,
        }
    } else {
        DbError::Query(error)
    }
}
