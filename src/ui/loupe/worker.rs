//! The loupe's decode work, on a worker thread: the item's original found, then decoded for
//! the screen or in full.

use super::images::Prepared;
use crate::library::display::decode_for_display;
use crate::services::Catalog;
use crate::services::model::MediaId;

/// Worker thread: finds the item's original, decodes it for the screen (or in full) and
/// makes the pixel buffer. Returns the file name and the pixels or the problem, in words
/// for the user.
pub(crate) fn decode(catalog: &Catalog, id: &MediaId, bound: Option<(u32, u32)>) -> (String, Result<Prepared, String>) {
    let original = match catalog.original(id) {
        Ok(original) => original,
        Err(unfound) => return (unfound.file_name().to_owned(), Err(unfound.explain())),
    };
    let prepared = decode_for_display(&original.path, bound)
        .map(Prepared::from_pixels)
        .map_err(|problem| format!("{} {problem}.", original.file_name));
    (original.file_name, prepared)
}
