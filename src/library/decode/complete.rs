//! Whether a JPEG is whole. JPEG decoders pad a file that ends early with grey (or repeat
//! the last rows) and report success, so a half-copied download would be imported as a
//! picture with its bottom missing. A whole JPEG reaches its end-of-image marker after its
//! last scan; bytes after that marker (phones append motion clips there) do not matter.

const MARKER: u8 = 0xFF;
const START_OF_IMAGE: u8 = 0xD8;
const END_OF_IMAGE: u8 = 0xD9;
const START_OF_SCAN: u8 = 0xDA;

/// Whether `bytes`, which start as a JPEG, reach their end-of-image marker through a valid
/// chain of segments and scans. Not a JPEG at all: `true` (not this check's business).
pub fn jpeg_is_complete(bytes: &[u8]) -> bool {
    if !is_jpeg(bytes) {
        return true;
    }
    let mut at = 2;
    loop {
        // Markers may be preceded by any number of fill bytes (0xFF).
        let Some(offset) = bytes.get(at..).and_then(|rest| rest.iter().position(|&b| b == MARKER)) else {
            return false;
        };
        at += offset;
        while bytes.get(at) == Some(&MARKER) {
            at += 1;
        }
        let Some(&marker) = bytes.get(at) else { return false };
        at += 1;
        match marker {
            END_OF_IMAGE => return true,
            // Markers without a length.
            START_OF_IMAGE | 0x01 | 0xD0..=0xD7 => {}
            START_OF_SCAN => {
                let Some(after_header) = segment_end(bytes, at) else {
                    return false;
                };
                let Some(next_marker) = end_of_entropy_data(bytes, after_header) else {
                    return false;
                };
                at = next_marker;
            }
            _ => {
                let Some(end) = segment_end(bytes, at) else {
                    return false;
                };
                at = end;
            }
        }
    }
}

pub fn is_jpeg(bytes: &[u8]) -> bool {
    bytes.starts_with(&[MARKER, START_OF_IMAGE])
}

/// Where the segment whose two length bytes are at `at` ends, if the file holds all of it.
fn segment_end(bytes: &[u8], at: usize) -> Option<usize> {
    let length = usize::from(u16::from_be_bytes([*bytes.get(at)?, *bytes.get(at + 1)?]));
    if length < 2 {
        return None;
    }
    let end = at + length;
    (end <= bytes.len()).then_some(end)
}

/// The position of the first marker after a scan's entropy-coded data (which escapes 0xFF
/// as 0xFF 0x00 and may hold restart markers), or `None` if the file ends inside the data.
fn end_of_entropy_data(bytes: &[u8], mut at: usize) -> Option<usize> {
    loop {
        at += bytes.get(at..)?.iter().position(|&b| b == MARKER)?;
        match *bytes.get(at + 1)? {
            0x00 | 0xD0..=0xD7 => at += 2,
            MARKER => at += 1,
            _ => return Some(at),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jpeg(width: u32, height: u32, progressive_like_noise: bool) -> Vec<u8> {
        let image = image::RgbImage::from_fn(width, height, |x, y| {
            if progressive_like_noise {
                image::Rgb([((x * 7) ^ (y * 13)) as u8, (x * y) as u8, (x + y) as u8])
            } else {
                image::Rgb([40, 90, 200])
            }
        });
        let mut bytes = Vec::new();
        image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, 90)
            .encode_image(&image)
            .unwrap();
        bytes
    }

    #[test]
    fn a_whole_jpeg_is_complete_and_trailing_bytes_do_not_matter() {
        let whole = jpeg(320, 200, true);
        assert!(jpeg_is_complete(&whole));
        let mut with_clip = whole.clone();
        with_clip.extend_from_slice(b"ftypmp42 and a motion clip after the end marker");
        assert!(jpeg_is_complete(&with_clip));
    }

    #[test]
    fn every_cut_of_a_jpeg_is_incomplete() {
        let whole = jpeg(64, 48, true);
        for cut in 0..whole.len() - 1 {
            assert!(
                !jpeg_is_complete(&whole[..cut]) || cut < 2,
                "cut at {cut} of {}",
                whole.len()
            );
        }
    }

    #[test]
    fn other_formats_are_not_judged() {
        assert!(jpeg_is_complete(b"\x89PNG\r\n\x1a\n"));
        assert!(!is_jpeg(b"GIF89a"));
    }
}
