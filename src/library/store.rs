//! Moving a finished generation into the library: verify, embed its parameters, write the
//! original and its thumbnail. The database row is the caller's; on any failure here nothing
//! is left behind.

use super::decode::decode_bytes;
use super::files::{remove_quietly, write_atomically};
use super::png_text::with_text_chunks;
use super::thumbnails::write_thumbnail;
use super::{LibraryError, LibraryFolder, LibraryRoot};
use crate::db::types::MediaId;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The files of a stored image.
#[derive(Debug, Clone)]
pub struct StoredImage {
    /// Relative to the library root.
    pub file_path: String,
    pub thumb_path: String,
    pub width: u32,
    pub height: u32,
    pub file_size: u64,
    /// SHA-256 of the stored bytes (hex).
    pub content_hash: String,
    pub original: PathBuf,
    pub thumbnail: PathBuf,
}

impl StoredImage {
    /// Removes the files again (when the database commit that should follow fails).
    pub fn remove(&self) {
        remove_quietly(&[&self.original, &self.thumbnail]);
    }
}

/// Where the time of [`store_generated`] went.
#[derive(Debug, Clone, Copy, Default)]
pub struct StoreTimings {
    pub verify: Duration,
    pub write_original: Duration,
    pub thumbnail: Duration,
}

/// The relative paths an image with this id and date will have.
pub fn planned_paths(media_id: &MediaId, created: time::OffsetDateTime) -> (String, String) {
    let month = format!("{:04}/{:02}", created.year(), u8::from(created.month()));
    (format!("originals/{month}/{media_id}.png"), thumbnail_path(media_id))
}

/// Where the thumbnail of `media_id` is, relative to the library root: always here, for
/// every way an item enters the library. The grid relies on it: it pages through ids alone
/// (read from the indexes, without a lookup into the table) and finds thumbnails by id.
pub fn thumbnail_path(media_id: &MediaId) -> String {
    format!("thumbnails/{media_id}_thumb.jpg")
}

/// Stores the engine's `output` as the original of `media_id`, with `text_chunks` embedded
/// (PNG only), and writes its thumbnail. The engine's file is left for the caller to remove.
pub fn store_generated(
    library: &LibraryRoot,
    output: &Path,
    media_id: &MediaId,
    created: time::OffsetDateTime,
    text_chunks: &[(&str, &str)],
) -> Result<(StoredImage, StoreTimings), LibraryError> {
    let mut timings = StoreTimings::default();
    let started = Instant::now();
    let bytes = super::decode::read_image_file(output).map_err(|problem| LibraryError::Unreadable {
        path: output.to_owned(),
        reason: problem.0,
    })?;
    let image = decode_bytes(&bytes).map_err(|problem| LibraryError::Unreadable {
        path: output.to_owned(),
        reason: problem.0,
    })?;
    timings.verify = started.elapsed();

    let started = Instant::now();
    let (file_path, thumb_path) = planned_paths(media_id, created);
    let original = library.resolve(&file_path)?;
    let thumbnail = library.resolve(&thumb_path)?;
    library.folder(LibraryFolder::Originals)?;
    let with_metadata = with_text_chunks(&bytes, text_chunks);
    let stored_bytes = with_metadata.as_deref().unwrap_or(&bytes);
    write_atomically(&original, stored_bytes)?;
    timings.write_original = started.elapsed();

    let started = Instant::now();
    library.folder(LibraryFolder::Thumbnails)?;
    if let Err(error) = write_thumbnail(&image, &thumbnail) {
        remove_quietly(&[&original]);
        return Err(error);
    }
    timings.thumbnail = started.elapsed();

    let stored = StoredImage {
        file_path,
        thumb_path,
        width: image.width(),
        height: image.height(),
        file_size: stored_bytes.len() as u64,
        content_hash: super::files::content_hash(stored_bytes),
        original,
        thumbnail,
    };
    Ok((stored, timings))
}
