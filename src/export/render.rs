//! One exported image: the original decoded (within the decode budget and boundary),
//! scaled down to the long edge asked for (never up), encoded as PNG, JPEG or WebP at the
//! quality asked for, with an XMP packet embedded when the metadata choice wants one.

use super::{ExportFormat, ExportOptions, ExportSize};
use crate::library::decode::{DecodeProblem, decode_bytes, guarded};
use image::DynamicImage;

/// An encoded copy and its size in pixels.
#[derive(Debug)]
pub struct RenderedImage {
    pub bytes: Vec<u8>,
    pub width: u32,
    pub height: u32,
}

/// Renders the original `bytes` as `options` say, embedding `packet` when given. The error
/// is a sentence for the user ("could not be read: …").
pub fn render(original: &[u8], options: &ExportOptions, packet: Option<&str>) -> Result<RenderedImage, String> {
    // The reservation holds the pixels' share of the decode budget until the copy is encoded.
    let crate::library::decode::Decoded { image, reservation } = decode_bytes(original).map_err(|problem| problem.0)?;
    let rendered = guarded("exporting", || {
        let scaled = scale(image, options.size).map_err(DecodeProblem)?;
        let (width, height) = (scaled.width(), scaled.height());
        let bytes = encode(&scaled, options.format, options.quality).map_err(DecodeProblem)?;
        Ok(RenderedImage { bytes, width, height })
    })
    .map_err(|problem| {
        crate::i18n::fill(
            &crate::i18n::tr("could not be exported ({})"),
            &[&problem.0.to_string()],
        )
    })?;
    drop(reservation);
    match packet {
        None => Ok(rendered),
        Some(packet) => Ok(RenderedImage {
            bytes: crate::xmp::embed(&rendered.bytes, packet).map_err(|e| e.to_string())?,
            ..rendered
        }),
    }
}

/// 8-bit RGB, or RGBA when the image has alpha: what the resizer and encoders take.
fn eight_bit(image: DynamicImage) -> DynamicImage {
    match image {
        DynamicImage::ImageRgb8(_) | DynamicImage::ImageRgba8(_) => image,
        other if other.color().has_alpha() => DynamicImage::ImageRgba8(other.to_rgba8()),
        other => DynamicImage::ImageRgb8(other.to_rgb8()),
    }
}

fn scale(image: DynamicImage, size: ExportSize) -> Result<DynamicImage, String> {
    use fast_image_resize::{FilterType, PixelType, ResizeAlg, ResizeOptions, Resizer, images};
    let image = eight_bit(image);
    let ExportSize::LongEdge(edge) = size else {
        return Ok(image);
    };
    let (width, height) = (image.width(), image.height());
    let long = width.max(height);
    if edge == 0 || long <= edge {
        return Ok(image);
    }
    let ratio = f64::from(edge) / f64::from(long);
    let (new_width, new_height) = (
        ((f64::from(width) * ratio).round() as u32).max(1),
        ((f64::from(height) * ratio).round() as u32).max(1),
    );
    let pixel = if image.color().has_alpha() {
        PixelType::U8x4
    } else {
        PixelType::U8x3
    };
    let source = images::ImageRef::new(width, height, image.as_bytes(), pixel).map_err(|e| e.to_string())?;
    let mut target = images::Image::new(new_width, new_height, pixel);
    Resizer::new()
        .resize(
            &source,
            &mut target,
            &ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::Lanczos3)),
        )
        .map_err(|e| e.to_string())?;
    let raw = target.into_vec();
    let scaled = if pixel == PixelType::U8x4 {
        image::RgbaImage::from_raw(new_width, new_height, raw).map(DynamicImage::ImageRgba8)
    } else {
        image::RgbImage::from_raw(new_width, new_height, raw).map(DynamicImage::ImageRgb8)
    };
    scaled.ok_or_else(|| crate::i18n::tr("the scaled image has the wrong size"))
}

/// JPEG has no alpha: transparent pixels are laid on white (as viewers show them), not black.
fn on_white(image: &DynamicImage) -> image::RgbImage {
    match image {
        DynamicImage::ImageRgba8(rgba) => image::RgbImage::from_fn(rgba.width(), rgba.height(), |x, y| {
            let [r, g, b, a] = rgba.get_pixel(x, y).0;
            let over = |c: u8| ((u16::from(c) * u16::from(a) + 255 * (255 - u16::from(a))) / 255) as u8;
            image::Rgb([over(r), over(g), over(b)])
        }),
        other => other.to_rgb8(),
    }
}

fn encode(image: &DynamicImage, format: ExportFormat, quality: u8) -> Result<Vec<u8>, String> {
    let quality = quality.clamp(1, 100);
    let mut bytes = Vec::new();
    match format {
        ExportFormat::Png => image
            .write_to(&mut std::io::Cursor::new(&mut bytes), image::ImageFormat::Png)
            .map_err(|e| e.to_string())?,
        ExportFormat::Jpeg => {
            let rgb = on_white(image);
            image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, quality)
                .encode(rgb.as_raw(), rgb.width(), rgb.height(), image::ExtendedColorType::Rgb8)
                .map_err(|e| e.to_string())?;
        }
        ExportFormat::Webp => {
            let (width, height) = (image.width(), image.height());
            // libwebp's limit; larger images would fail inside it.
            if width > 16383 || height > 16383 {
                return Err(format!(
                    "WebP holds at most 16383 × 16383 pixels, and this is {width} × {height}"
                ));
            }
            let encoder = match image {
                DynamicImage::ImageRgba8(rgba) => webp::Encoder::from_rgba(rgba.as_raw(), width, height),
                other => webp::Encoder::from_rgb(other.as_bytes(), width, height),
            };
            bytes = encoder.encode(f32::from(quality)).to_vec();
        }
    }
    Ok(bytes)
}
