//! Square thumbnails for the grid: centre-cropped, 400 × 400, JPEG.

use super::LibraryError;
use super::files::write_atomically;
use image::DynamicImage;
use std::path::Path;

pub const THUMBNAIL_SIZE: u32 = 400;
const JPEG_QUALITY: u8 = 85;

/// The centre square of `image`, scaled to 400 × 400, as JPEG bytes. Inside the decode
/// boundary: the resizer and the encoder are third-party code too.
pub fn thumbnail_jpeg(image: &DynamicImage) -> Result<Vec<u8>, String> {
    super::decode::guarded("making a thumbnail", || {
        thumbnail_unguarded(image).map_err(super::decode::DecodeProblem)
    })
    .map_err(|problem| problem.0)
}

fn thumbnail_unguarded(image: &DynamicImage) -> Result<Vec<u8>, String> {
    use fast_image_resize::{FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer, images};

    // 8-bit RGB or RGBA is what the resizer's SIMD paths take without a full-size copy (a
    // 13000² RGBA image would need another 500 MB as RGB); most images already are.
    let converted;
    let (raw, pixel, (width, height)) = match image {
        DynamicImage::ImageRgb8(rgb) => (rgb.as_raw(), PixelType::U8x3, rgb.dimensions()),
        DynamicImage::ImageRgba8(rgba) => (rgba.as_raw(), PixelType::U8x4, rgba.dimensions()),
        other => {
            converted = other.to_rgb8();
            (converted.as_raw(), PixelType::U8x3, converted.dimensions())
        }
    };
    let side = width.min(height).max(1);
    let source = images::ImageRef::new(width, height, raw, pixel).map_err(|e| e.to_string())?;
    let mut target = images::Image::new(THUMBNAIL_SIZE, THUMBNAIL_SIZE, pixel);
    // Alpha is dropped from the thumbnail anyway; weighting by it would make the resizer
    // premultiply a full-size copy of the source first.
    let options = ResizeOptions::new()
        .resize_alg(ResizeAlg::Convolution(FilterType::Bilinear))
        .use_alpha(false)
        .crop(
            f64::from((width - side) / 2),
            f64::from((height - side) / 2),
            f64::from(side),
            f64::from(side),
        );
    Resizer::new()
        .resize(&source, &mut target, &options)
        .map_err(|e| e.to_string())?;
    let rgb = if pixel == PixelType::U8x4 {
        // Alpha is dropped as `to_rgb8` does, after the resize (400² instead of full size).
        target
            .buffer()
            .chunks_exact(4)
            .flat_map(|p| [p[0], p[1], p[2]])
            .collect()
    } else {
        target.into_vec()
    };

    let mut bytes = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, JPEG_QUALITY)
        .encode(&rgb, THUMBNAIL_SIZE, THUMBNAIL_SIZE, image::ExtendedColorType::Rgb8)
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

/// Makes the thumbnail at `thumbnail` again from the original at `original` (both relative
/// to the library root). The error is the reason, in words for the user.
pub fn remake(library: &super::LibraryRoot, original: &str, thumbnail: &str) -> Result<(), String> {
    let original = library.resolve(original).map_err(|e| e.to_string())?;
    let image = super::decode::decode_file(&original)
        .map_err(|problem| crate::i18n::fill(&crate::i18n::tr("its original {}"), &[&problem.0.to_string()]))?;
    let dest = library.resolve(thumbnail).map_err(|e| e.to_string())?;
    write_thumbnail(&image, &dest).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thumbnails_are_400_square_centre_crops() {
        // A wide image: red on the left third, green in the middle, blue on the right.
        let wide = image::RgbImage::from_fn(900, 300, |x, _| match x / 300 {
            0 => image::Rgb([255, 0, 0]),
            1 => image::Rgb([0, 255, 0]),
            _ => image::Rgb([0, 0, 255]),
        });
        let jpeg = thumbnail_jpeg(&DynamicImage::ImageRgb8(wide)).unwrap();
        let thumb = image::load_from_memory(&jpeg).unwrap().to_rgb8();
        assert_eq!(thumb.dimensions(), (400, 400));
        let centre = thumb.get_pixel(200, 200);
        assert!(
            centre[1] > 200 && centre[0] < 60 && centre[2] < 60,
            "the middle third is kept: {centre:?}"
        );

        let tiny = DynamicImage::ImageLuma8(image::GrayImage::from_pixel(64, 48, image::Luma([128])));
        let thumb = image::load_from_memory(&thumbnail_jpeg(&tiny).unwrap()).unwrap();
        assert_eq!((thumb.width(), thumb.height()), (400, 400), "small and grey images too");
    }
}
