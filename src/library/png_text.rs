//! Text chunks in PNG files: written into generated images (so other tools show their prompt
//! and seed) and read from imported ones. Chunks are inserted into the encoded file directly,
//! without decoding and re-encoding the pixels.

const SIGNATURE: &[u8; 8] = b"\x89PNG\r\n\x1a\n";

/// One chunk of a PNG file.
struct Chunk<'a> {
    kind: [u8; 4],
    data: &'a [u8],
    /// Where the chunk ends in the file (after its CRC).
    end: usize,
}

fn chunks(png: &[u8]) -> Option<Vec<Chunk<'_>>> {
    if png.len() < 8 || &png[..8] != SIGNATURE {
        return None;
    }
    let mut found = Vec::new();
    let mut at = 8;
    while at + 12 <= png.len() {
        let length = u32::from_be_bytes(png[at..at + 4].try_into().ok()?) as usize;
        let end = at.checked_add(12)?.checked_add(length)?;
        if end > png.len() {
            return None;
        }
        let kind: [u8; 4] = png[at + 4..at + 8].try_into().ok()?;
        found.push(Chunk {
            kind,
            data: &png[at + 8..at + 8 + length],
            end,
        });
        at = end;
        if &kind == b"IEND" {
            break;
        }
    }
    Some(found)
}

fn encode_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() + 12);
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let mut crc = crc32fast::Hasher::new();
    crc.update(kind);
    crc.update(data);
    out.extend_from_slice(&crc.finalize().to_be_bytes());
    out
}

/// A text chunk: tEXt when the text is Latin-1 (what most tools read), else uncompressed
/// UTF-8 iTXt (prompts with emoji or non-Latin scripts).
fn text_chunk(keyword: &str, text: &str) -> Vec<u8> {
    if text.chars().all(|c| (c as u32) < 256) {
        let mut data = Vec::with_capacity(keyword.len() + text.len() + 1);
        data.extend_from_slice(keyword.as_bytes());
        data.push(0);
        data.extend(text.chars().map(|c| c as u8));
        encode_chunk(b"tEXt", &data)
    } else {
        utf8_text_chunk(keyword, text)
    }
}

/// An uncompressed UTF-8 iTXt chunk, whatever the text.
fn utf8_text_chunk(keyword: &str, text: &str) -> Vec<u8> {
    let mut data = Vec::with_capacity(keyword.len() + text.len() + 5);
    data.extend_from_slice(keyword.as_bytes());
    // keyword end, compression flag, method, empty language tag, empty translated keyword
    data.extend_from_slice(&[0, 0, 0, 0, 0]);
    data.extend_from_slice(text.as_bytes());
    encode_chunk(b"iTXt", &data)
}

/// The PNG with `inserted` (encoded chunks) after its header; `None` if the bytes are not a
/// well-formed PNG.
fn with_chunks_after_header(png: &[u8], inserted: &[Vec<u8>]) -> Option<Vec<u8>> {
    let found = chunks(png)?;
    let header = found.first().filter(|c| &c.kind == b"IHDR")?;
    let mut out = Vec::with_capacity(png.len() + inserted.iter().map(Vec::len).sum::<usize>());
    out.extend_from_slice(&png[..header.end]);
    for chunk in inserted {
        out.extend_from_slice(chunk);
    }
    out.extend_from_slice(&png[header.end..]);
    Some(out)
}

/// Returns the PNG with the given `(keyword, text)` chunks inserted after its header.
/// `None` if the bytes are not a well-formed PNG.
pub fn with_text_chunks(png: &[u8], entries: &[(&str, &str)]) -> Option<Vec<u8>> {
    let inserted: Vec<Vec<u8>> = entries
        .iter()
        .map(|(keyword, text)| text_chunk(keyword, text))
        .collect();
    with_chunks_after_header(png, &inserted)
}

/// Returns the PNG with one UTF-8 iTXt chunk inserted after its header, also for Latin-1
/// text: what formats that name iTXt require (XMP's "XML:com.adobe.xmp"). `None` if the
/// bytes are not a well-formed PNG.
pub fn with_utf8_text_chunk(png: &[u8], keyword: &str, text: &str) -> Option<Vec<u8>> {
    with_chunks_after_header(png, &[utf8_text_chunk(keyword, text)])
}

/// Every tEXt and uncompressed iTXt chunk, as `(keyword, text)`. Compressed chunks (zTXt,
/// compressed iTXt) are skipped.
pub fn read_text_chunks(png: &[u8]) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for chunk in chunks(png).unwrap_or_default() {
        let Some(nul) = chunk.data.iter().position(|b| *b == 0) else {
            continue;
        };
        let keyword: String = chunk.data[..nul].iter().map(|b| *b as char).collect();
        let rest = &chunk.data[nul + 1..];
        match &chunk.kind {
            b"tEXt" => out.push((keyword, rest.iter().map(|b| *b as char).collect())),
            b"iTXt" if rest.len() >= 2 && rest[0] == 0 => {
                // Skip compression flag and method, then the language tag and translated keyword.
                let mut fields = rest[2..].splitn(3, |b| *b == 0);
                let (_, _, text) = (fields.next(), fields.next(), fields.next());
                if let Some(text) = text {
                    out.push((keyword, String::from_utf8_lossy(text).into_owned()));
                }
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tiny_png() -> Vec<u8> {
        let mut bytes = Vec::new();
        image::RgbImage::from_pixel(3, 2, image::Rgb([9, 8, 7]))
            .write_to(&mut std::io::Cursor::new(&mut bytes), image::ImageFormat::Png)
            .unwrap();
        bytes
    }

    #[test]
    fn chunks_round_trip_latin1_and_unicode_and_the_image_still_decodes() {
        let prompt = "a \"quoted\" line\nsecond line — café 🎨 مرحبا";
        let png = with_text_chunks(
            &tiny_png(),
            &[("parameters", "caf\u{e9} plain"), ("distillery", prompt)],
        )
        .unwrap();
        let texts = read_text_chunks(&png);
        assert_eq!(
            texts,
            [
                ("parameters".to_owned(), "café plain".to_owned()),
                ("distillery".to_owned(), prompt.to_owned())
            ]
        );
        let image = image::load_from_memory(&png).unwrap();
        assert_eq!((image.width(), image.height()), (3, 2));
    }

    #[test]
    fn not_a_png_is_left_alone() {
        assert!(with_text_chunks(b"GIF89a....", &[("a", "b")]).is_none());
        assert!(read_text_chunks(b"nope").is_empty());
        let mut truncated = tiny_png();
        truncated.truncate(20);
        assert!(with_text_chunks(&truncated, &[("a", "b")]).is_none());
    }
}
