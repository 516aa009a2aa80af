//! Decoding images safely: every decoder call inside one panic boundary, memory limits that
//! hold even for decompression bombs and a budget shared by all decodes at once, truncated
//! JPEGs refused, and EXIF orientation applied, so every caller sees the image the way a
//! person would.

pub mod boundary;
pub mod budget;
pub mod complete;

pub use boundary::{DECODER_FAILED, guarded, guarded_or_none};
use budget::{Reservation, budget};
use image::{DynamicImage, ImageDecoder, ImageReader, Limits};
use std::path::Path;

/// Images whose decoded pixels would need more than this are refused (a 16k × 8k RGBA
/// image fits; the 100000² and 65500² bombs of the bad-file corpus do not).
pub const MAX_DECODED_BYTES: u64 = 768 * 1024 * 1024;
/// Image files larger than this are refused before being read.
pub const MAX_FILE_BYTES: u64 = 512 * 1024 * 1024;
/// The reason for an image that cannot be opened within the memory limits.
pub const TOO_LARGE: &str = crate::i18n::later("is too large to open (its pixels would not fit in memory)");
/// The reason for a file that ends before its image does.
pub const INCOMPLETE: &str = crate::i18n::later("is incomplete (the file ends too early)");

/// Why an image could not be read; the text is for the user.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct DecodeProblem(pub String);

fn limits() -> Limits {
    let mut limits = Limits::default();
    limits.max_alloc = Some(MAX_DECODED_BYTES);
    limits
}

/// Decoded pixels, and the memory they hold in the decode budget (given back when dropped;
/// move `image` out to keep the pixels beyond the decode).
pub struct Decoded {
    pub image: DynamicImage,
    pub reservation: Reservation,
}

impl std::ops::Deref for Decoded {
    type Target = DynamicImage;

    fn deref(&self) -> &DynamicImage {
        &self.image
    }
}

/// Decodes an image file with EXIF orientation applied. Only a regular file is read, and
/// only up to [`MAX_FILE_BYTES`].
pub fn decode_file(path: &Path) -> Result<Decoded, DecodeProblem> {
    let bytes = read_image_file(path)?;
    decode_bytes(&bytes)
}

/// The bytes of the image file at `path` (a regular file of at most [`MAX_FILE_BYTES`]).
pub fn read_image_file(path: &Path) -> Result<Vec<u8>, DecodeProblem> {
    crate::library::regular_file::read_regular(path, MAX_FILE_BYTES, crate::i18n::later("to open"))
        .map_err(DecodeProblem)
}

/// Decodes image bytes with EXIF orientation applied, inside the decode boundary and the
/// memory budget.
pub fn decode_bytes(bytes: &[u8]) -> Result<Decoded, DecodeProblem> {
    decode_bytes_for(bytes, Resize::IgnoringAlpha)
}

/// How the caller will resize the pixels, for the memory the decode reserves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resize {
    /// Thumbnails and references: alpha is dropped, the resize reads the pixels in place.
    IgnoringAlpha,
    /// The loupe: transparency is kept, so an image with alpha is resized from a
    /// premultiplied full-size copy.
    WeighingAlpha,
}

/// [`decode_bytes`] for a caller that resizes as `resize` says.
pub fn decode_bytes_for(bytes: &[u8], resize: Resize) -> Result<Decoded, DecodeProblem> {
    guarded("decoding an image", || {
        let reader = ImageReader::new(std::io::Cursor::new(bytes))
            .with_guessed_format()
            .map_err(|e| DecodeProblem(e.to_string()))?;
        if reader.format() == Some(image::ImageFormat::Jpeg) && !complete::jpeg_is_complete(bytes) {
            return Err(DecodeProblem(crate::i18n::tr(INCOMPLETE)));
        }
        decode_reader(reader, bytes.len() as u64, resize)
    })
}

/// A decoder's error as words for the user; the decoder's own text goes to the log.
fn humane(what: &'static str, error: &image::ImageError) -> String {
    let text = error.to_string();
    tracing::debug!(%text, "an image could not be decoded");
    let lower = text.to_ascii_lowercase();
    if lower.contains("signature") || lower.contains("magic") {
        crate::i18n::tr("is not an image (its content does not match its name)")
    } else if lower.contains("crc") {
        crate::i18n::tr("is damaged (a checksum does not match)")
    } else if lower.contains("idat") && lower.contains("missing") {
        crate::i18n::tr("has no picture data (only a header)")
    } else if lower.contains("end of file") || lower.contains("eof") || lower.contains("truncated") {
        crate::i18n::tr(INCOMPLETE)
    } else if matches!(error, image::ImageError::Limits(_)) {
        crate::i18n::tr(TOO_LARGE)
    } else if matches!(error, image::ImageError::Unsupported(_)) {
        crate::i18n::tr("uses a variant of its format that cannot be read")
    } else {
        crate::i18n::fill(
            &crate::i18n::tr("{} (its data is not valid)"),
            &[&crate::i18n::tr(what)],
        )
    }
}

fn decode_reader<R: std::io::BufRead + std::io::Seek>(
    reader: ImageReader<R>,
    file_bytes: u64,
    resize: Resize,
) -> Result<Decoded, DecodeProblem> {
    if reader.format().is_none() {
        return Err(DecodeProblem(crate::i18n::tr(
            "is not an image in a format Distillery reads",
        )));
    }
    let mut decoder = reader
        .into_decoder()
        .map_err(|e| DecodeProblem(humane(crate::i18n::later("is not a readable image"), &e)))?;
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    // `from_decoder` does not enforce limits by itself: reserve the decoded size first, so a
    // header claiming 100000 × 100000 pixels is refused before anything is allocated.
    let mut limits = limits();
    limits
        .reserve(decoder.total_bytes())
        .map_err(|_| DecodeProblem(crate::i18n::tr(TOO_LARGE)))?;
    decoder.set_limits(limits).map_err(|e| DecodeProblem(e.to_string()))?;
    let (width, height) = decoder.dimensions();
    if width == 0 || height == 0 {
        // Some decoders accept a header of zero width; nothing can be shown or resized.
        return Err(DecodeProblem(crate::i18n::fill(
            &crate::i18n::tr("has no pixels (its size is {} × {})"),
            &[&width.to_string(), &height.to_string()],
        )));
    }
    let color = decoder.color_type();
    let mut peak = peak_bytes(file_bytes, decoder.total_bytes(), color, (width, height), orientation);
    if resize == Resize::WeighingAlpha && color.has_alpha() {
        peak += u64::from(width) * u64::from(height) * 4;
    }
    // Waits while other decodes hold the memory; refused if it could never fit.
    let reservation = budget()
        .reserve(peak)
        .map_err(|_| DecodeProblem(crate::i18n::tr(TOO_LARGE)))?;
    let mut image = DynamicImage::from_decoder(decoder)
        .map_err(|e| DecodeProblem(humane(crate::i18n::later("is damaged or incomplete"), &e)))?;
    image.apply_orientation(orientation);
    Ok(Decoded { image, reservation })
}

/// What a decode holds at its peak: the file's bytes, the pixels plus some of the decoder's
/// working memory, a second copy when the orientation turns the image by a quarter, and an
/// 8-bit copy when callers must convert (thumbnails and the loupe work in 8-bit RGB/RGBA).
pub fn peak_bytes(
    file_bytes: u64,
    pixel_bytes: u64,
    color: image::ColorType,
    (width, height): (u32, u32),
    orientation: image::metadata::Orientation,
) -> u64 {
    use image::metadata::Orientation;
    let turned = matches!(
        orientation,
        Orientation::Rotate90 | Orientation::Rotate270 | Orientation::Rotate90FlipH | Orientation::Rotate270FlipH
    );
    let converted = if matches!(color, image::ColorType::Rgb8 | image::ColorType::Rgba8) {
        0
    } else {
        u64::from(width) * u64::from(height) * 4
    };
    file_bytes + pixel_bytes + pixel_bytes / 8 + if turned { pixel_bytes } else { 0 } + converted
}
