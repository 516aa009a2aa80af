//! Decoding images safely: memory limits that hold even for decompression bombs, and EXIF
//! orientation applied, so every caller sees the image the way a person would.

use image::{DynamicImage, ImageDecoder, ImageReader, Limits};
use std::path::Path;

/// Images whose decoded pixels would need more than this are refused (a 16k × 8k RGBA
/// image fits; the 100000² and 65500² bombs of the bad-file corpus do not).
pub const MAX_DECODED_BYTES: u64 = 768 * 1024 * 1024;

/// Why an image could not be read; the text is for the user.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct DecodeProblem(pub String);

fn limits() -> Limits {
    let mut limits = Limits::default();
    limits.max_alloc = Some(MAX_DECODED_BYTES);
    limits
}

/// Decodes an image file with EXIF orientation applied.
pub fn decode_file(path: &Path) -> Result<DynamicImage, DecodeProblem> {
    let reader = ImageReader::open(path).map_err(|e| DecodeProblem(format!("cannot be opened ({e})")))?;
    decode_reader(reader.with_guessed_format().map_err(|e| DecodeProblem(e.to_string()))?)
}

/// Decodes image bytes with EXIF orientation applied.
pub fn decode_bytes(bytes: &[u8]) -> Result<DynamicImage, DecodeProblem> {
    let reader = ImageReader::new(std::io::Cursor::new(bytes))
        .with_guessed_format()
        .map_err(|e| DecodeProblem(e.to_string()))?;
    decode_reader(reader)
}

/// A decoder's error as words for the user; the decoder's own text goes to the log.
fn humane(what: &str, error: &image::ImageError) -> String {
    let text = error.to_string();
    tracing::debug!(%text, "an image could not be decoded");
    let lower = text.to_ascii_lowercase();
    if lower.contains("signature") || lower.contains("magic") {
        "is not an image (its content does not match its name)".into()
    } else if lower.contains("crc") {
        "is damaged (a checksum does not match)".into()
    } else if lower.contains("idat") && lower.contains("missing") {
        "has no picture data (only a header)".into()
    } else if lower.contains("end of file") || lower.contains("eof") || lower.contains("truncated") {
        "is incomplete (the file ends too early)".into()
    } else if matches!(error, image::ImageError::Limits(_)) {
        "is too large to open (its pixels would not fit in memory)".into()
    } else if matches!(error, image::ImageError::Unsupported(_)) {
        "uses a variant of its format that cannot be read".into()
    } else {
        format!("{what} (its data is not valid)")
    }
}

fn decode_reader<R: std::io::BufRead + std::io::Seek>(reader: ImageReader<R>) -> Result<DynamicImage, DecodeProblem> {
    if reader.format().is_none() {
        return Err(DecodeProblem("is not an image in a format Distillery reads".into()));
    }
    let mut decoder = reader
        .into_decoder()
        .map_err(|e| DecodeProblem(humane("is not a readable image", &e)))?;
    let orientation = decoder
        .orientation()
        .unwrap_or(image::metadata::Orientation::NoTransforms);
    // `from_decoder` does not enforce limits by itself: reserve the decoded size first, so a
    // header claiming 100000 × 100000 pixels is refused before anything is allocated.
    let mut limits = limits();
    limits
        .reserve(decoder.total_bytes())
        .map_err(|_| DecodeProblem("is too large to open (its pixels would not fit in memory)".into()))?;
    decoder.set_limits(limits).map_err(|e| DecodeProblem(e.to_string()))?;
    let mut image =
        DynamicImage::from_decoder(decoder).map_err(|e| DecodeProblem(humane("is damaged or incomplete", &e)))?;
    image.apply_orientation(orientation);
    Ok(image)
}
