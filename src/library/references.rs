//! Reference images for image-to-image: decoded, turned upright, downscaled to at most one
//! megapixel and cached under `ref_cache/<content hash>.png`. The user's original file is
//! never touched.

use super::decode::{decode_bytes, decode_file};
use super::files::write_atomically;
use super::thumbnails::thumbnail_jpeg;
use super::{LibraryError, LibraryFolder, LibraryRoot};
use image::DynamicImage;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// The engine gets references of at most this many pixels.
pub const MAX_REFERENCE_PIXELS: u64 = 1_000_000;
/// Files larger than this are refused before being read.
pub const MAX_REFERENCE_FILE_BYTES: u64 = 256 * 1024 * 1024;

/// A reference ready for the engine.
#[derive(Debug, Clone)]
pub struct PreparedReference {
    /// The file handed to the engine (absolute, inside `ref_cache/`).
    pub engine_path: PathBuf,
    /// A 400 × 400 JPEG thumbnail, kept with the generation.
    pub thumbnail: Vec<u8>,
}

/// Whether the file at `path` can be a reference before it is read: it exists, is a file,
/// and is within [`MAX_REFERENCE_FILE_BYTES`]. Else what is wrong, as words that follow the
/// file's name ("is a folder, not an image"). Whether it is an image is for the decoder.
pub fn check_reference_file(path: &Path) -> Result<(), String> {
    let meta = std::fs::metadata(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => crate::i18n::tr("does not exist"),
        _ => crate::i18n::fill(&crate::i18n::tr("cannot be read ({})"), &[&e.to_string()]),
    })?;
    if let Some(reason) = super::regular_file::not_regular(&meta) {
        return Err(crate::i18n::tr(reason));
    }
    if meta.len() > MAX_REFERENCE_FILE_BYTES {
        return Err(crate::format::too_large(
            meta.len(),
            MAX_REFERENCE_FILE_BYTES,
            crate::i18n::later("to use as a reference"),
        ));
    }
    Ok(())
}

/// Prepares the image at `source` as a reference. Errors name the file and say what is wrong
/// with it: missing, a folder, too large, not an image, damaged.
pub fn prepare_reference(library: &LibraryRoot, source: &Path) -> Result<PreparedReference, LibraryError> {
    let unreadable = |reason: String| LibraryError::Unreadable {
        path: source.to_owned(),
        reason,
    };
    check_reference_file(source).map_err(unreadable)?;
    let bytes = super::regular_file::read_regular(
        source,
        MAX_REFERENCE_FILE_BYTES,
        crate::i18n::later("to use as a reference"),
    )
    .map_err(unreadable)?;
    let hash = Sha256::digest(&bytes);
    let name: String = hash.iter().take(16).map(|b| format!("{b:02x}")).collect();
    let engine_path = library.folder(LibraryFolder::RefCache)?.join(format!("{name}.png"));

    let image = if engine_path.exists() {
        // Already prepared once: the small cached copy is enough for the thumbnail.
        decode_file(&engine_path).map_err(|e| unreadable(e.0))?.image
    } else {
        let decoded = decode_bytes(&bytes).map_err(|e| unreadable(e.0))?;
        let small = downscale(decoded.image);
        let mut png = Vec::new();
        small
            .to_rgb8()
            .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
            .map_err(|e| LibraryError::Encode {
                path: engine_path.clone(),
                reason: e.to_string(),
            })?;
        write_atomically(&engine_path, &png)?;
        small
    };
    let thumbnail = thumbnail_jpeg(&image).map_err(|reason| LibraryError::Encode {
        path: engine_path.clone(),
        reason,
    })?;
    Ok(PreparedReference { engine_path, thumbnail })
}

/// Scales down to at most one megapixel, keeping the aspect ratio.
fn downscale(image: DynamicImage) -> DynamicImage {
    let pixels = u64::from(image.width()) * u64::from(image.height());
    if pixels <= MAX_REFERENCE_PIXELS {
        return image;
    }
    let scale = (MAX_REFERENCE_PIXELS as f64 / pixels as f64).sqrt();
    let width = ((image.width() as f64 * scale).floor() as u32).max(1);
    let height = ((image.height() as f64 * scale).floor() as u32).max(1);
    image.resize_exact(width, height, image::imageops::FilterType::Triangle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_reference_file_is_checked_before_it_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let fine = dir.path().join("fine.png");
        std::fs::write(&fine, b"not read here").unwrap();
        assert_eq!(check_reference_file(&fine), Ok(()));
        assert_eq!(
            check_reference_file(&dir.path().join("gone.png")),
            Err("does not exist".to_owned())
        );
        assert_eq!(
            check_reference_file(dir.path()),
            Err("is a folder, not an image".to_owned())
        );
        // A sparse file: its size is what counts, and nothing of it is read.
        let huge = dir.path().join("huge.tif");
        std::fs::File::create(&huge)
            .unwrap()
            .set_len(MAX_REFERENCE_FILE_BYTES + 1)
            .unwrap();
        assert_eq!(
            check_reference_file(&huge),
            Err("is too large to use as a reference (257 MB; the limit is 256 MB)".to_owned())
        );
    }
}
