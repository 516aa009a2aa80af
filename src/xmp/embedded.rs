//! XMP embedded in image files: found in JPEG (APP1), PNG (`iTXt` "XML:com.adobe.xmp"),
//! WebP (the `XMP ` chunk) and TIFF (tag 700), and put into JPEG, PNG and WebP files we
//! encode. Every length read is checked against the bytes there are; nothing here can read
//! past a buffer or allocate more than the file holds.

use std::borrow::Cow;

const JPEG_XMP_HEADER: &[u8] = b"http://ns.adobe.com/xap/1.0/\0";
const PNG_XMP_KEYWORD: &str = "XML:com.adobe.xmp";

/// The XMP packet embedded in `file`, if its format is one we read and it has one.
pub fn extract(file: &[u8]) -> Option<Cow<'_, [u8]>> {
    if file.starts_with(&[0xFF, 0xD8]) {
        jpeg_packet(file).map(Cow::Borrowed)
    } else if file.starts_with(b"\x89PNG\r\n\x1a\n") {
        png_packet(file).map(Cow::Owned)
    } else if file.len() >= 12 && &file[..4] == b"RIFF" && &file[8..12] == b"WEBP" {
        webp_packet(file).map(Cow::Borrowed)
    } else if file.starts_with(b"II*\0") || file.starts_with(b"MM\0*") {
        tiff_packet(file).map(Cow::Borrowed)
    } else {
        None
    }
}

fn jpeg_packet(file: &[u8]) -> Option<&[u8]> {
    let mut at = 2;
    while at + 4 <= file.len() {
        if file[at] != 0xFF {
            return None;
        }
        let marker = file[at + 1];
        if marker == 0xFF {
            at += 1;
            continue;
        }
        if marker == 0xDA || marker == 0xD9 {
            return None;
        }
        let length = u16::from_be_bytes([file[at + 2], file[at + 3]]) as usize;
        let body = file.get(at + 4..at + 2 + length)?;
        if marker == 0xE1 && body.starts_with(JPEG_XMP_HEADER) {
            return Some(&body[JPEG_XMP_HEADER.len()..]);
        }
        at += 2 + length;
    }
    None
}

/// The packet of the iTXt chunk XMP names (read as every other PNG text chunk is).
fn png_packet(file: &[u8]) -> Option<Vec<u8>> {
    crate::library::png_text::read_text_chunks(file)
        .into_iter()
        .find(|(keyword, _)| keyword == PNG_XMP_KEYWORD)
        .map(|(_, packet)| packet.into_bytes())
}

/// The chunks of a WebP file: (fourcc, data).
fn webp_chunks(file: &[u8]) -> Vec<(&[u8], &[u8])> {
    let mut chunks = Vec::new();
    let mut at = 12;
    while at + 8 <= file.len() {
        let kind = &file[at..at + 4];
        let length = u32::from_le_bytes([file[at + 4], file[at + 5], file[at + 6], file[at + 7]]) as usize;
        let Some(data) = at.checked_add(8 + length).and_then(|end| file.get(at + 8..end)) else {
            break;
        };
        chunks.push((kind, data));
        at += 8 + length + (length & 1);
    }
    chunks
}

fn webp_packet(file: &[u8]) -> Option<&[u8]> {
    webp_chunks(file)
        .into_iter()
        .find(|(kind, _)| *kind == b"XMP ")
        .map(|(_, data)| data)
}

fn tiff_packet(file: &[u8]) -> Option<&[u8]> {
    let little = file.starts_with(b"II");
    let u16_at = |at: usize| -> Option<u16> {
        let b: [u8; 2] = file.get(at..at + 2)?.try_into().ok()?;
        Some(if little {
            u16::from_le_bytes(b)
        } else {
            u16::from_be_bytes(b)
        })
    };
    let u32_at = |at: usize| -> Option<u32> {
        let b: [u8; 4] = file.get(at..at + 4)?.try_into().ok()?;
        Some(if little {
            u32::from_le_bytes(b)
        } else {
            u32::from_be_bytes(b)
        })
    };
    let ifd = u32_at(4)? as usize;
    let entries = u16_at(ifd)? as usize;
    for i in 0..entries.min(4096) {
        let entry = ifd + 2 + i * 12;
        if u16_at(entry)? == 700 {
            let count = u32_at(entry + 4)? as usize;
            if count <= 4 {
                return file.get(entry + 8..entry + 8 + count);
            }
            let offset = u32_at(entry + 8)? as usize;
            return file.get(offset..offset.checked_add(count)?);
        }
    }
    None
}

/// Why a packet could not be embedded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EmbedError {
    #[error("{}", crate::i18n::fill(&crate::i18n::tr("the metadata is too large for a JPEG segment ({} bytes; at most 65,502)"), &[&.0.to_string()]))]
    TooLargeForJpeg(usize),
    #[error("{}", crate::i18n::fill(&crate::i18n::tr("the encoded image is not a {} file"), &[.0]))]
    NotThatFormat(&'static str),
}

/// The image file `encoded` (JPEG, PNG or WebP, as told by its first bytes) with `packet`
/// embedded.
pub fn embed(encoded: &[u8], packet: &str) -> Result<Vec<u8>, EmbedError> {
    if encoded.starts_with(&[0xFF, 0xD8]) {
        embed_jpeg(encoded, packet.as_bytes())
    } else if encoded.starts_with(b"\x89PNG\r\n\x1a\n") {
        embed_png(encoded, packet)
    } else if encoded.len() >= 12 && &encoded[..4] == b"RIFF" && &encoded[8..12] == b"WEBP" {
        embed_webp(encoded, packet.as_bytes())
    } else {
        Err(EmbedError::NotThatFormat("JPEG, PNG or WebP"))
    }
}

fn embed_jpeg(encoded: &[u8], packet: &[u8]) -> Result<Vec<u8>, EmbedError> {
    let length = 2 + JPEG_XMP_HEADER.len() + packet.len();
    if length > u16::MAX as usize {
        return Err(EmbedError::TooLargeForJpeg(packet.len()));
    }
    // After the JFIF segment when there is one: readers expect APP0 first.
    let mut insert_at = 2;
    if encoded.get(2..4) == Some(&[0xFF, 0xE0]) {
        let app0 = encoded.get(4..6).ok_or(EmbedError::NotThatFormat("JPEG"))?;
        insert_at = 4 + u16::from_be_bytes([app0[0], app0[1]]) as usize;
    }
    if insert_at > encoded.len() {
        return Err(EmbedError::NotThatFormat("JPEG"));
    }
    let mut out = Vec::with_capacity(encoded.len() + length + 2);
    out.extend_from_slice(&encoded[..insert_at]);
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&(length as u16).to_be_bytes());
    out.extend_from_slice(JPEG_XMP_HEADER);
    out.extend_from_slice(packet);
    out.extend_from_slice(&encoded[insert_at..]);
    Ok(out)
}

fn embed_png(encoded: &[u8], packet: &str) -> Result<Vec<u8>, EmbedError> {
    crate::library::png_text::with_utf8_text_chunk(encoded, PNG_XMP_KEYWORD, packet)
        .ok_or(EmbedError::NotThatFormat("PNG"))
}

fn push_chunk(out: &mut Vec<u8>, kind: &[u8], data: &[u8]) {
    out.extend_from_slice(kind);
    out.extend_from_slice(&(data.len() as u32).to_le_bytes());
    out.extend_from_slice(data);
    if data.len() % 2 == 1 {
        out.push(0);
    }
}

/// The canvas size and whether it has alpha, from a simple (VP8 or VP8L) WebP's image chunk.
fn simple_webp_canvas(kind: &[u8], data: &[u8]) -> Option<(u32, u32, bool)> {
    match kind {
        b"VP8L" if data.first() == Some(&0x2F) && data.len() >= 5 => {
            let bits = u32::from_le_bytes([data[1], data[2], data[3], data[4]]);
            Some(((bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1, (bits >> 28) & 1 == 1))
        }
        b"VP8 " if data.len() >= 10 && data[3..6] == [0x9D, 0x01, 0x2A] => {
            let width = u16::from_le_bytes([data[6], data[7]]) & 0x3FFF;
            let height = u16::from_le_bytes([data[8], data[9]]) & 0x3FFF;
            Some((u32::from(width), u32::from(height), false))
        }
        _ => None,
    }
}

fn embed_webp(encoded: &[u8], packet: &[u8]) -> Result<Vec<u8>, EmbedError> {
    const XMP_FLAG: u8 = 0x04;
    const ALPHA_FLAG: u8 = 0x10;
    let chunks = webp_chunks(encoded);
    let mut body = Vec::with_capacity(encoded.len() + packet.len() + 32);
    body.extend_from_slice(b"WEBP");
    match chunks.first() {
        Some((kind, data)) if *kind == b"VP8X" && data.len() >= 10 => {
            let mut header = data.to_vec();
            header[0] |= XMP_FLAG;
            push_chunk(&mut body, b"VP8X", &header);
            for (kind, data) in chunks.iter().skip(1).filter(|(kind, _)| *kind != b"XMP ") {
                push_chunk(&mut body, kind, data);
            }
        }
        Some((kind, data)) => {
            let (width, height, alpha) = simple_webp_canvas(kind, data).ok_or(EmbedError::NotThatFormat("WebP"))?;
            let mut header = vec![XMP_FLAG | if alpha { ALPHA_FLAG } else { 0 }, 0, 0, 0];
            header.extend_from_slice(&(width - 1).to_le_bytes()[..3]);
            header.extend_from_slice(&(height - 1).to_le_bytes()[..3]);
            push_chunk(&mut body, b"VP8X", &header);
            for (kind, data) in &chunks {
                push_chunk(&mut body, kind, data);
            }
        }
        None => return Err(EmbedError::NotThatFormat("WebP")),
    }
    push_chunk(&mut body, b"XMP ", packet);
    let mut out = Vec::with_capacity(body.len() + 8);
    out.extend_from_slice(b"RIFF");
    out.extend_from_slice(&(body.len() as u32).to_le_bytes());
    out.extend_from_slice(&body);
    Ok(out)
}
