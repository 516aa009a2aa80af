//! The loupe's decode work, on a worker thread: the item's row (its file and name), then
//! the file decoded for the screen or in full.

use super::images::Prepared;
use crate::db::media;
use crate::db::types::MediaId;
use crate::library::LibraryRoot;
use crate::library::display::decode_for_display;

/// Worker thread: reads the item's row (its file and name), decodes the file for the screen
/// (or in full) and makes the pixel buffer. Returns the file name and the pixels or the
/// problem, in words for the user.
pub(crate) fn decode(
    db: &crate::db::Database,
    library: &LibraryRoot,
    id: &MediaId,
    bound: Option<(u32, u32)>,
) -> (String, Result<Prepared, String>) {
    let wanted = id.clone();
    let row = match db.call_blocking(move |c| media::get(c, &wanted)) {
        Ok(Some(row)) => row,
        Ok(None) => return (String::new(), Err("This image is no longer in the library.".into())),
        Err(error) => return (String::new(), Err(format!("The library could not be read: {error}."))),
    };
    let path = match library.resolve(&row.file_path) {
        Ok(path) => path,
        Err(error) => {
            let problem = format!("{} cannot be opened: {error}.", row.file_name);
            return (row.file_name, Err(problem));
        }
    };
    if !path.exists() {
        let problem = format!(
            "The original file of {} is missing (it belongs at {}). Put it back there, or move the image to the trash; Settings → Check Library lists every missing file.",
            row.file_name, row.file_path
        );
        return (row.file_name, Err(problem));
    }
    let prepared = decode_for_display(&path, bound)
        .map(Prepared::from_pixels)
        .map_err(|problem| format!("{} {problem}.", row.file_name));
    (row.file_name, prepared)
}
