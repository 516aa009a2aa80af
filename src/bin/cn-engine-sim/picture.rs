//! Writing the simulated engine's images (painted by `distillery::library::synthetic`) and
//! reading its reference images.

use image::{ImageEncoder, RgbImage};
use std::path::Path;

pub use distillery::library::synthetic::render;

/// Writes PNG, or JPEG (quality 90) for `.jpg`/`.jpeg`. `truncated` writes only the first half
/// of the file (a fault).
pub fn save(image: &RgbImage, path: &Path, truncated: bool) -> Result<(), String> {
    let jpeg = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .is_some_and(|e| e == "jpg" || e == "jpeg");
    let mut bytes = Vec::new();
    let (w, h) = image.dimensions();
    let encoded = if jpeg {
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, 90).write_image(
            image.as_raw(),
            w,
            h,
            image::ExtendedColorType::Rgb8,
        )
    } else {
        image::codecs::png::PngEncoder::new(&mut bytes).write_image(
            image.as_raw(),
            w,
            h,
            image::ExtendedColorType::Rgb8,
        )
    };
    encoded.map_err(|e| e.to_string())?;
    if truncated {
        bytes.truncate(bytes.len() / 2);
    }
    std::fs::write(path, &bytes).map_err(|e| e.to_string())
}

/// The mean colour of an image; an error if it does not decode.
pub fn average_colour(path: &Path) -> Result<[u8; 3], String> {
    let image = image::ImageReader::open(path)
        .map_err(|e| e.to_string())?
        .with_guessed_format()
        .map_err(|e| e.to_string())?
        .decode()
        .map_err(|e| e.to_string())?;
    let small = image.thumbnail(32, 32).to_rgb8();
    let n = (small.width() * small.height()).max(1) as u64;
    let mut sum = [0u64; 3];
    for pixel in small.pixels() {
        for c in 0..3 {
            sum[c] += u64::from(pixel[c]);
        }
    }
    Ok(sum.map(|s| (s / n) as u8))
}
