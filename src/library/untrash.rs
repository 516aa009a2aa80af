//! Undoing a delete: files come back from the trash they went to, then their rows (with the
//! generation references that pointed at them) in one transaction. An item whose original
//! cannot come back keeps no row, so the library never lists a file that is not there
//! because of us; the user is told which and why.

use super::LibraryRoot;
use super::trash::Trashed;
use crate::db::media_history::{self, StoredItem};
use crate::db::{Database, DbError};
use std::path::{Path, PathBuf};

/// A deleted item: its row as it was, and where its files went.
#[derive(Debug, Clone, PartialEq)]
pub struct DeletedItem {
    pub stored: StoredItem,
    pub original: Trashed,
    pub thumbnail: Option<Trashed>,
}

/// What a restore did.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct RestoreReport {
    /// Items put back, as they were deleted.
    pub restored: Vec<DeletedItem>,
    /// File name and the reason, for each item that stays deleted.
    pub failed: Vec<(String, String)>,
    /// Items that stay deleted, as they were (a later redo has nothing to do for them).
    pub still_deleted: Vec<DeletedItem>,
}

/// Puts `items` back: files first, then the rows of those whose original is back.
/// Blocking: call it from a blocking thread.
pub fn restore_deleted(
    db: &Database,
    library: &LibraryRoot,
    items: Vec<DeletedItem>,
) -> Result<RestoreReport, DbError> {
    let mut report = RestoreReport::default();
    let mut desktop = DesktopTrash::default();
    for item in items {
        let media = &item.stored.media;
        if let Err(error) = bring_back(library, &media.file_path, &item.original, &mut desktop) {
            tracing::warn!(file = %media.file_path, %error, "could not restore a file from the trash");
            report.failed.push((media.file_name.clone(), error));
            report.still_deleted.push(item);
            continue;
        }
        if let (Some(thumb), Some(went)) = (media.thumb_path.as_deref(), item.thumbnail.as_ref()) {
            // A thumbnail is ours to make again; the original is what matters.
            match bring_back(library, thumb, went, &mut desktop) {
                Ok(()) if *went != Trashed::Missing => {}
                Ok(()) => remake_thumbnail(library, &media.file_path, thumb),
                Err(error) => {
                    tracing::info!(file = %thumb, %error, "making a thumbnail again instead of restoring it");
                    remake_thumbnail(library, &media.file_path, thumb);
                }
            }
        }
        report.restored.push(item);
    }
    if !report.restored.is_empty() {
        let rows: Vec<StoredItem> = report.restored.iter().map(|item| item.stored.clone()).collect();
        db.call_blocking(move |conn| media_history::put_back(conn, &rows))?;
    }
    Ok(report)
}

impl RestoreReport {
    /// One line for the user about what could not be restored; empty when all came back.
    pub fn problems(&self) -> String {
        match self.failed.as_slice() {
            [] => String::new(),
            [(name, reason)] => format!("{name} could not be restored: {reason}"),
            [(name, reason), rest @ ..] => {
                format!("{name} could not be restored: {reason} (and {} more)", rest.len())
            }
        }
    }
}

/// Moves the file deleted from `relative` back, from wherever `went` says it is. The error
/// is the reason, in words for the user.
fn bring_back(library: &LibraryRoot, relative: &str, went: &Trashed, desktop: &mut DesktopTrash) -> Result<(), String> {
    let dest = library.resolve(relative).map_err(|e| e.to_string())?;
    if *went == Trashed::Missing {
        // It was already gone when it was deleted: nothing to bring back.
        return Ok(());
    }
    if std::fs::symlink_metadata(&dest).is_ok() {
        return Err(crate::i18n::tr("another file is in its place now"));
    }
    if let Some(folder) = dest.parent() {
        std::fs::create_dir_all(folder).map_err(|e| {
            crate::i18n::fill(
                &crate::i18n::tr("its folder cannot be made again ({})"),
                &[&e.to_string()],
            )
        })?;
    }
    match went {
        Trashed::Missing => Ok(()),
        Trashed::LibraryTrash(from) if !from.exists() => {
            Err(crate::i18n::tr("it is no longer in the library's trash folder"))
        }
        Trashed::LibraryTrash(from) => std::fs::rename(from, &dest)
            .map_err(|e| crate::i18n::fill(&crate::i18n::tr("it cannot be moved back ({})"), &[&e.to_string()])),
        Trashed::DesktopTrash => desktop.restore(&dest),
    }
}

fn remake_thumbnail(library: &LibraryRoot, original: &str, thumb: &str) {
    if let Err(error) = super::thumbnails::remake(library, original, thumb) {
        tracing::warn!(file = %thumb, %error, "could not make a thumbnail again");
    }
}

/// The desktop trash's contents, listed once per restore (listing reads every entry).
#[derive(Default)]
struct DesktopTrash {
    #[cfg(any(target_os = "windows", all(unix, not(target_os = "macos"))))]
    listed: Option<Vec<trash::TrashItem>>,
}

impl DesktopTrash {
    /// Restores the most recent trash entry that came from `dest`.
    #[cfg(any(target_os = "windows", all(unix, not(target_os = "macos"))))]
    fn restore(&mut self, dest: &Path) -> Result<(), String> {
        if self.listed.is_none() {
            let items = trash::os_limited::list()
                .map_err(|e| crate::i18n::fill(&crate::i18n::tr("the trash cannot be read ({})"), &[&e.to_string()]))?;
            self.listed = Some(items);
        }
        let wanted = canonical(dest);
        let items = self.listed.as_mut().expect("listed above");
        let position = items
            .iter()
            .enumerate()
            .filter(|(_, item)| canonical(&item.original_path()) == wanted)
            .max_by_key(|(_, item)| (item.time_deleted, trash_entry_age(item)))
            .map(|(position, _)| position)
            .ok_or_else(|| crate::i18n::tr("it is no longer in the trash"))?;
        let item = items.swap_remove(position);
        trash::os_limited::restore_all([item]).map_err(|e| {
            crate::i18n::fill(
                &crate::i18n::tr("the trash would not give it back ({})"),
                &[&e.to_string()],
            )
        })
    }

    /// The macOS Trash cannot be read back by programs; the user restores from Finder.
    #[cfg(not(any(target_os = "windows", all(unix, not(target_os = "macos")))))]
    fn restore(&mut self, _dest: &Path) -> Result<(), String> {
        Err(crate::i18n::tr("it is in the Trash; use Put Back in Finder"))
    }
}

/// When a freedesktop entry was written (its `.trashinfo` file's mtime): without chrono the
/// crate gives no deletion time, and the same path can have been trashed more than once.
#[cfg(any(target_os = "windows", all(unix, not(target_os = "macos"))))]
fn trash_entry_age(item: &trash::TrashItem) -> std::time::SystemTime {
    std::fs::metadata(&item.id)
        .and_then(|m| m.modified())
        .unwrap_or(std::time::UNIX_EPOCH)
}

/// The path with its folder's symlinks resolved, as the trash records it.
fn canonical(path: &Path) -> PathBuf {
    match (path.parent().and_then(|p| p.canonicalize().ok()), path.file_name()) {
        (Some(folder), Some(name)) => folder.join(name),
        _ => path.to_owned(),
    }
}
