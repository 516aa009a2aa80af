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

/// Prepares the image at `source` as a reference. Errors name the file and say what is wrong
/// with it: missing, a folder, too large, not an image, damaged.
pub fn prepare_reference(library: &LibraryRoot, source: &Path) -> Result<PreparedReference, LibraryError> {
    let unreadable = |reason: String| LibraryError::Unreadable {
        path: source.to_owned(),
        reason,
    };
    let meta = std::fs::metadata(source).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => unreadable("does not exist".into()),
        _ => unreadable(format!("cannot be read ({e})")),
    })?;
    if meta.is_dir() {
        return Err(unreadable("is a folder, not an image".into()));
    }
    if meta.len() > MAX_REFERENCE_FILE_BYTES {
        return Err(unreadable(format!(
            "is too large ({} MB; the limit is {} MB)",
            meta.len() >> 20,
            MAX_REFERENCE_FILE_BYTES >> 20
        )));
    }
    let bytes = std::fs::read(source).map_err(|e| unreadable(format!("cannot be read ({e})")))?;
    let hash = Sha256::digest(&bytes);
    let name: String = hash.iter().take(16).map(|b| format!("{b:02x}")).collect();
    let engine_path = library.folder(LibraryFolder::RefCache)?.join(format!("{name}.png"));

    let image = if engine_path.exists() {
        // Already prepared once: the small cached copy is enough for the thumbnail.
        decode_file(&engine_path).map_err(|e| unreadable(e.0))?
    } else {
        let decoded = decode_bytes(&bytes).map_err(|e| unreadable(e.0))?;
        let small = downscale(decoded);
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
