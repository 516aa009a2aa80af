//! Deleting media: files to the trash, then their rows in one transaction. An item whose
//! file cannot be moved keeps its row, so nothing shows in the library that is not on disk
//! and nothing on disk is lost without the user seeing why.

use super::LibraryRoot;
use super::trash::{LIBRARY_TRASH, TrashPolicy, Trashed, move_to_trash};
use super::untrash::DeletedItem;
use crate::db::types::MediaId;
use crate::db::{Database, DbError, media, media_history};

/// What a delete did.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct DeleteReport {
    /// The deleted items, with what undo needs to put each back.
    pub removed: Vec<DeletedItem>,
    /// Originals that went to the library's own `.trash/` (no desktop trash for that disk).
    pub into_library_trash: usize,
    /// File name and the reason, for each item left in place.
    pub failed: Vec<(String, String)>,
}

impl DeleteReport {
    /// The ids of the deleted items.
    pub fn deleted_ids(&self) -> Vec<MediaId> {
        self.removed.iter().map(|item| item.stored.media.id.clone()).collect()
    }

    /// One line for the user: "Moved 3 images to the trash." plus what failed.
    pub fn summary(&self) -> String {
        let n = self.removed.len();
        use crate::format::grouped;
        use crate::i18n::{fill, tr, tr_n};
        let mut text = match n {
            0 => String::new(),
            n => tr_n(
                "Moved {n} image to the trash.",
                "Moved {n} images to the trash.",
                n as u64,
                &grouped(n as i64),
            ),
        };
        if self.into_library_trash > 0 {
            text.push(' ');
            text.push_str(&fill(
                &tr("({} into the library's {} folder.)"),
                &[&grouped(self.into_library_trash as i64), LIBRARY_TRASH],
            ));
        }
        if let Some((name, reason)) = self.failed.first() {
            if !text.is_empty() {
                text.push(' ');
            }
            text.push_str(&fill(&tr("Could not delete {}: {}"), &[name, reason]));
            if self.failed.len() > 1 {
                let more = self.failed.len() - 1;
                text.push_str(&tr_n(
                    " (and {n} more)",
                    " (and {n} more)",
                    more as u64,
                    &grouped(more as i64),
                ));
            }
        }
        text
    }
}

/// Moves the items' files to the trash and removes their rows. Blocking: call it from a
/// blocking thread. Thumbnails go to the library's `.trash/` (they are not the user's files
/// and would only clutter the desktop trash), originals to the desktop trash per `policy`.
pub fn delete_media(
    db: &Database,
    library: &LibraryRoot,
    ids: Vec<MediaId>,
    policy: TrashPolicy,
) -> Result<DeleteReport, DbError> {
    let items = db.call_blocking(move |c| media_history::stored_items(c, &ids))?;
    let mut report = DeleteReport::default();
    for stored in items {
        let item = &stored.media;
        let original = match move_to_trash(library, &item.file_path, policy) {
            Ok(where_to) => {
                if matches!(where_to, Trashed::LibraryTrash(_)) {
                    report.into_library_trash += 1;
                }
                where_to
            }
            Err(error) => {
                tracing::warn!(file = %item.file_path, %error, "could not move a file to the trash");
                report.failed.push((item.file_name.clone(), error.to_string()));
                continue;
            }
        };
        let thumbnail = item.thumb_path.as_deref().and_then(|thumb| {
            match move_to_trash(library, thumb, TrashPolicy::LibraryOnly) {
                Ok(went) => Some(went),
                Err(error) => {
                    tracing::warn!(file = %thumb, %error, "could not move a thumbnail to the trash");
                    None
                }
            }
        });
        report.removed.push(DeletedItem {
            stored,
            original,
            thumbnail,
        });
    }
    let ids = report.deleted_ids();
    if !ids.is_empty() {
        db.call_blocking(move |c| media::delete(c, &ids))?;
    }
    Ok(report)
}
