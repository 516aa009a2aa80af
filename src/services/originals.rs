//! An item's original file: where it is, or why it cannot be opened, in words for the user.

use super::catalog::Catalog;
use crate::db::types::MediaId;
use std::path::PathBuf;

/// An item's original, found on disk.
#[derive(Debug, Clone)]
pub struct Original {
    pub file_name: String,
    pub path: PathBuf,
    /// Where the library keeps it, relative to the library's folder.
    pub stored_at: String,
}

/// Why an item's original cannot be had.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unfound {
    /// The item is no longer in the library.
    Gone,
    /// The catalogue could not be read (the error, in words).
    Unreadable(String),
    /// The stored path does not lead into the library (the reason, in words).
    Unreachable { file_name: String, reason: String },
    /// The file is not where the library keeps it.
    Missing { file_name: String, stored_at: String },
}

impl Unfound {
    /// The item's file name, when the item is known.
    pub fn file_name(&self) -> &str {
        match self {
            Unfound::Gone | Unfound::Unreadable(_) => "",
            Unfound::Unreachable { file_name, .. } | Unfound::Missing { file_name, .. } => file_name,
        }
    }

    /// What the loupe and compare say instead of the picture.
    pub fn explain(&self) -> String {
        match self {
            Unfound::Gone => crate::i18n::tr("This image is no longer in the library."),
            Unfound::Unreadable(error) => crate::i18n::fill(
                &crate::i18n::tr("The library could not be read: {}."),
                &[&error.to_string()],
            ),
            Unfound::Unreachable { file_name, reason } => crate::i18n::fill(
                &crate::i18n::tr("{} cannot be opened: {}."),
                &[&file_name.to_string(), &reason.to_string()],
            ),
            Unfound::Missing { file_name, stored_at } => crate::i18n::fill(
                &crate::i18n::tr(
                    "The original file of {} is missing (it belongs at {}). Put it back there, or move the image to the trash; Settings → Check Library lists every missing file.",
                ),
                &[&file_name.to_string(), &stored_at.to_string()],
            ),
        }
    }
}

impl Catalog {
    /// Where the original of `id` belongs, without looking whether it is there (the
    /// desktop's actions say themselves when it is not). Blocking: reads the row.
    pub fn locate(&self, id: &MediaId) -> Result<Original, Unfound> {
        let row = match self.item(id.clone()).wait() {
            Ok(Some(row)) => row,
            Ok(None) => return Err(Unfound::Gone),
            Err(error) => return Err(Unfound::Unreadable(error.to_string())),
        };
        match self.library().resolve(&row.file_path) {
            Ok(path) => Ok(Original {
                file_name: row.file_name,
                path,
                stored_at: row.file_path,
            }),
            Err(error) => Err(Unfound::Unreachable {
                file_name: row.file_name,
                reason: error.to_string(),
            }),
        }
    }

    /// The original of `id`, found on disk. Blocking (reads the row and looks at the disk):
    /// call it off the UI thread.
    pub fn original(&self, id: &MediaId) -> Result<Original, Unfound> {
        let original = self.locate(id)?;
        if !original.path.exists() {
            return Err(Unfound::Missing {
                file_name: original.file_name,
                stored_at: original.stored_at,
            });
        }
        Ok(original)
    }
}
