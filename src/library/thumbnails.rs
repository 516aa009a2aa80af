//! Square thumbnails for the grid: centre-cropped, 400 × 400, JPEG.

use super::LibraryError;
use super::files::write_atomically;
use image::DynamicImage;
use std::path::Path;

pub const THUMBNAIL_SIZE: u32 = 400;
const JPEG_QUALITY: u8 = 85;

/// The centre square of `image`, scaled to 400 × 400, as JPEG bytes.
pub fn thumbnail_jpeg(image: &DynamicImage) -> Result<Vec<u8>, String> {
    let side = image.width().min(image.height()).max(1);
    let x = (image.width() - side) / 2;
    let y = (image.height() - side) / 2;
    let square = image.crop_imm(x, y, side, side);
    let scaled = if side > THUMBNAIL_SIZE * 2 {
        // Fast area reduction first, then a good filter for the last step.
        square.thumbnail(THUMBNAIL_SIZE * 2, THUMBNAIL_SIZE * 2).resize_exact(
            THUMBNAIL_SIZE,
            THUMBNAIL_SIZE,
            image::imageops::FilterType::Triangle,
        )
    } else {
        square.resize_exact(THUMBNAIL_SIZE, THUMBNAIL_SIZE, image::imageops::FilterType::Triangle)
    };
    let rgb = scaled.to_rgb8();
    let mut bytes = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, JPEG_QUALITY)
        .encode_image(&rgb)
        .map_err(|e| e.to_string())?;
    Ok(bytes)
}

/// Writes the thumbnail of `image` to `dest` (atomically).
pub fn write_thumbnail(image: &DynamicImage, dest: &Path) -> Result<(), LibraryError> {
    let bytes = thumbnail_jpeg(image).map_err(|reason| LibraryError::Encode {
        path: dest.to_owned(),
        reason,
    })?;
    write_atomically(dest, &bytes)
}
