//! Decoding an image for the loupe: at most screen size first (cheap to decode and to
//! draw), full size when the user zooms in. Large JPEGs are decoded at a reduced scale
//! straight from the DCT (1/2, 1/4 or 1/8), which is several times faster than a full decode
//! followed by a resize.

use super::decode::budget::budget;
use super::decode::{
    DecodeProblem, INCOMPLETE, MAX_DECODED_BYTES, Resize, TOO_LARGE, complete, decode_bytes_for, guarded,
};
use fast_image_resize as fr;
use image::{DynamicImage, ImageDecoder, ImageReader, RgbImage, RgbaImage};
use std::path::Path;

/// Decoded pixels for the screen, and the size of the whole image (orientation applied).
pub struct DisplayPixels {
    pub pixels: Pixels,
    pub full_width: u32,
    pub full_height: u32,
}

pub enum Pixels {
    Rgb(RgbImage),
    Rgba(RgbaImage),
}

impl DisplayPixels {
    pub fn width(&self) -> u32 {
        match &self.pixels {
            Pixels::Rgb(image) => image.width(),
            Pixels::Rgba(image) => image.width(),
        }
    }

    pub fn height(&self) -> u32 {
        match &self.pixels {
            Pixels::Rgb(image) => image.height(),
            Pixels::Rgba(image) => image.height(),
        }
    }

    /// Whether these are all the image's pixels (nothing more to load when zooming in).
    pub fn is_full_size(&self) -> bool {
        self.width() >= self.full_width && self.height() >= self.full_height
    }
}

/// Decodes `path` to fit within `bound` (width, height in pixels), or at full size when
/// `bound` is `None`. Orientation is applied; alpha is kept only if the image has it.
pub fn decode_for_display(path: &Path, bound: Option<(u32, u32)>) -> Result<DisplayPixels, DecodeProblem> {
    let bytes = super::decode::read_image_file(path)?;
    if complete::is_jpeg(&bytes) && !complete::jpeg_is_complete(&bytes) {
        return Err(DecodeProblem(crate::i18n::tr(INCOMPLETE)));
    }
    if let Some(bound) = bound
        && let Some(scaled) = guarded("decoding a JPEG at screen size", || reduced_jpeg(&bytes, bound))?
    {
        return Ok(scaled);
    }
    let decoded = decode_bytes_for(&bytes, Resize::WeighingAlpha)?;
    drop(bytes);
    let (full_width, full_height) = (decoded.width(), decoded.height());
    // The budget stays held until the pixels are in their final, screen-sized form.
    let pixels = match bound {
        Some(bound) if !fits(full_width, full_height, bound) => shrink(decoded.image, bound)?,
        _ => into_pixels(decoded.image),
    };
    Ok(DisplayPixels {
        pixels,
        full_width,
        full_height,
    })
}

fn fits(width: u32, height: u32, (max_width, max_height): (u32, u32)) -> bool {
    width <= max_width && height <= max_height
}

/// The size of `width` × `height` scaled to fit within `bound`, keeping the aspect ratio.
pub fn fitted(width: u32, height: u32, (max_width, max_height): (u32, u32)) -> (u32, u32) {
    let scale = (f64::from(max_width) / f64::from(width.max(1))).min(f64::from(max_height) / f64::from(height.max(1)));
    if scale >= 1.0 {
        return (width, height);
    }
    (
        ((f64::from(width) * scale).round() as u32).max(1),
        ((f64::from(height) * scale).round() as u32).max(1),
    )
}

fn into_pixels(image: DynamicImage) -> Pixels {
    if image.color().has_alpha() {
        Pixels::Rgba(image.into_rgba8())
    } else {
        Pixels::Rgb(image.into_rgb8())
    }
}

fn shrink(image: DynamicImage, bound: (u32, u32)) -> Result<Pixels, DecodeProblem> {
    let (source_width, source_height) = (image.width(), image.height());
    let (width, height) = fitted(source_width, source_height, bound);
    let problem = |e: String| {
        DecodeProblem(crate::i18n::fill(
            &crate::i18n::tr("could not be resized ({})"),
            &[&e.to_string()],
        ))
    };
    let resize = |raw: &[u8], pixel: fr::PixelType| -> Result<Vec<u8>, DecodeProblem> {
        let source =
            fr::images::ImageRef::new(source_width, source_height, raw, pixel).map_err(|e| problem(e.to_string()))?;
        let mut target = fr::images::Image::new(width, height, pixel);
        let options = fr::ResizeOptions::new().resize_alg(fr::ResizeAlg::Convolution(fr::FilterType::Bilinear));
        fr::Resizer::new()
            .resize(&source, &mut target, &options)
            .map_err(|e| problem(e.to_string()))?;
        Ok(target.into_vec())
    };
    let shrunk = match into_pixels(image) {
        Pixels::Rgb(source) => {
            RgbImage::from_raw(width, height, resize(source.as_raw(), fr::PixelType::U8x3)?).map(Pixels::Rgb)
        }
        Pixels::Rgba(source) => {
            RgbaImage::from_raw(width, height, resize(source.as_raw(), fr::PixelType::U8x4)?).map(Pixels::Rgba)
        }
    };
    shrunk.ok_or_else(|| problem(crate::i18n::tr("unexpected buffer size")))
}

/// A JPEG larger than `bound`, decoded at the smallest DCT scale that still covers `bound`
/// and then resized to fit exactly. `None` for other formats and for JPEGs the reduced
/// decoder cannot read (the caller falls back to the full decode, which reports problems).
fn reduced_jpeg(bytes: &[u8], bound: (u32, u32)) -> Result<Option<DisplayPixels>, DecodeProblem> {
    let reader = ImageReader::new(std::io::Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| DecodeProblem(e.to_string()))?;
    if reader.format() != Some(image::ImageFormat::Jpeg) {
        return Ok(None);
    }
    // The orientation (EXIF) through `image`, which reads only the headers here.
    let Ok(mut header) = reader.into_decoder() else {
        return Ok(None);
    };
    let orientation = header
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    let (stored_width, stored_height) = header.dimensions();
    drop(header);
    let turned = matches!(
        orientation,
        image::metadata::Orientation::Rotate90
            | image::metadata::Orientation::Rotate270
            | image::metadata::Orientation::Rotate90FlipH
            | image::metadata::Orientation::Rotate270FlipH
    );
    let (full_width, full_height) = if turned {
        (stored_height, stored_width)
    } else {
        (stored_width, stored_height)
    };
    if fits(full_width, full_height, bound) {
        return Ok(None);
    }
    // The bound in the stored (unrotated) frame.
    let (want_width, want_height) = fitted(
        stored_width,
        stored_height,
        if turned { (bound.1, bound.0) } else { bound },
    );

    let mut decoder = jpeg_decoder::Decoder::new(std::io::Cursor::new(bytes));
    decoder.set_max_decoding_buffer_size(MAX_DECODED_BYTES as usize);
    if decoder.read_info().is_err() {
        return Ok(None);
    }
    let Ok((width, height)) = decoder.scale(
        want_width.min(u32::from(u16::MAX)) as u16,
        want_height.min(u32::from(u16::MAX)) as u16,
    ) else {
        return Ok(None);
    };
    // The reduced pixels (up to 4 bytes each, for CMYK), a rotated copy and the resize.
    let reduced = u64::from(width) * u64::from(height) * 4;
    let _reservation = budget()
        .reserve(bytes.len() as u64 + reduced * 2)
        .map_err(|_| DecodeProblem(crate::i18n::tr(TOO_LARGE)))?;
    let Ok(data) = decoder.decode() else {
        return Ok(None);
    };
    let Some(info) = decoder.info() else {
        return Ok(None);
    };
    let (width, height) = (u32::from(width), u32::from(height));
    let image = match info.pixel_format {
        jpeg_decoder::PixelFormat::RGB24 => RgbImage::from_raw(width, height, data).map(DynamicImage::ImageRgb8),
        jpeg_decoder::PixelFormat::L8 => image::GrayImage::from_raw(width, height, data).map(DynamicImage::ImageLuma8),
        // CMYK and 16-bit greys are rare in JPEGs: the full decoder handles them.
        _ => None,
    };
    let Some(mut image) = image else {
        return Ok(None);
    };
    image.apply_orientation(orientation);
    let pixels = if fits(image.width(), image.height(), bound) {
        into_pixels(image)
    } else {
        shrink(image, bound)?
    };
    Ok(Some(DisplayPixels {
        pixels,
        full_width,
        full_height,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fitted_keeps_the_aspect_and_never_enlarges() {
        assert_eq!(fitted(6000, 4000, (1500, 1000)), (1500, 1000));
        assert_eq!(fitted(6000, 4000, (1000, 1000)), (1000, 667));
        assert_eq!(fitted(800, 600, (1000, 1000)), (800, 600));
        assert_eq!(fitted(4000, 6000, (1280, 720)), (480, 720));
    }

    #[test]
    fn a_large_jpeg_is_decoded_at_screen_size_with_its_full_size_known() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.jpg");
        let image = RgbImage::from_fn(3000, 2000, |x, y| image::Rgb([(x % 256) as u8, (y % 256) as u8, 90]));
        image.save(&path).unwrap();
        let shown = decode_for_display(&path, Some((1280, 800))).unwrap();
        assert_eq!((shown.full_width, shown.full_height), (3000, 2000));
        assert_eq!((shown.width(), shown.height()), (1200, 800));
        assert!(!shown.is_full_size());
        let full = decode_for_display(&path, None).unwrap();
        assert_eq!((full.width(), full.height()), (3000, 2000));
        assert!(full.is_full_size());
    }

    #[test]
    fn a_png_with_alpha_keeps_it_and_a_small_one_is_not_resized() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("small.png");
        RgbaImage::from_pixel(300, 200, image::Rgba([10, 20, 30, 128]))
            .save(&path)
            .unwrap();
        let shown = decode_for_display(&path, Some((1280, 800))).unwrap();
        assert!(matches!(shown.pixels, Pixels::Rgba(_)));
        assert_eq!((shown.width(), shown.height()), (300, 200));
        assert!(shown.is_full_size());
    }
}
