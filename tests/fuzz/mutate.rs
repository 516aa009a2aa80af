//! Mutations of valid image files, the way real files go wrong: cut short (half-copied
//! downloads), bits flipped (bad cards), chunks and markers duplicated or removed (broken
//! writers), and length fields that lie (hand-edited or hostile files). Deterministic from
//! one 64-bit seed per case, so a failing case is replayed from its seed alone.

/// SplitMix64: small, fast, and good enough to pick mutations.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// The seed of case `index` in a run started from `master`.
pub fn case_seed(master: u64, index: u64) -> u64 {
    Rng::new(master ^ index.wrapping_mul(0xD6E8_FEB8_6659_FD93)).next()
}

/// Which mutations a case applied, for the failure message.
pub fn mutate(original: &[u8], rng: &mut Rng) -> (Vec<u8>, Vec<&'static str>) {
    let mut bytes = original.to_vec();
    let mut applied = Vec::new();
    for _ in 0..1 + rng.below(3) {
        if bytes.is_empty() {
            break;
        }
        applied.push(match rng.below(7) {
            0 => truncate(&mut bytes, rng),
            1 => flip_bits(&mut bytes, rng),
            2 => interesting_bytes(&mut bytes, rng),
            3 => duplicate_unit(&mut bytes, rng),
            4 | 5 => corrupt_length(&mut bytes, rng),
            _ => remove_unit(&mut bytes, rng),
        });
    }
    (bytes, applied)
}

fn truncate(bytes: &mut Vec<u8>, rng: &mut Rng) -> &'static str {
    let cut = rng.below(bytes.len());
    bytes.truncate(cut);
    "truncate"
}

fn flip_bits(bytes: &mut [u8], rng: &mut Rng) -> &'static str {
    for _ in 0..1 + rng.below(8) {
        let at = rng.below(bytes.len());
        bytes[at] ^= 1 << rng.below(8);
    }
    "flip bits"
}

fn interesting_bytes(bytes: &mut [u8], rng: &mut Rng) -> &'static str {
    const INTERESTING: [u8; 6] = [0x00, 0xFF, 0x7F, 0x80, 0x01, 0xFE];
    let at = rng.below(bytes.len());
    for offset in 0..1 + rng.below(4) {
        if let Some(byte) = bytes.get_mut(at + offset) {
            *byte = INTERESTING[rng.below(INTERESTING.len())];
        }
    }
    "interesting bytes"
}

/// A chunk (PNG, RIFF), segment (JPEG) or, failing that, any slice, copied in again.
fn duplicate_unit(bytes: &mut Vec<u8>, rng: &mut Rng) -> &'static str {
    let (start, end) = pick_unit(bytes, rng);
    let copy = bytes[start..end].to_vec();
    let at = if rng.below(2) == 0 {
        end
    } else {
        rng.below(bytes.len() + 1)
    };
    bytes.splice(at..at, copy);
    "duplicate a chunk"
}

fn remove_unit(bytes: &mut Vec<u8>, rng: &mut Rng) -> &'static str {
    let (start, end) = pick_unit(bytes, rng);
    bytes.drain(start..end);
    "remove a chunk"
}

fn pick_unit(bytes: &[u8], rng: &mut Rng) -> (usize, usize) {
    let units = units(bytes);
    if !units.is_empty() && rng.below(4) != 0 {
        return units[rng.below(units.len())];
    }
    let start = rng.below(bytes.len());
    let end = (start + 1 + rng.below(64)).min(bytes.len());
    (start, end)
}

/// A length or size field made to lie: zero, one, all ones, off by one, doubled, random.
fn corrupt_length(bytes: &mut [u8], rng: &mut Rng) -> &'static str {
    let fields = length_fields(bytes);
    let field = if fields.is_empty() {
        let at = rng.below(bytes.len().min(256));
        Field {
            at,
            width: 4,
            big_endian: true,
        }
    } else {
        fields[rng.below(fields.len())]
    };
    let old = field.read(bytes);
    let max = if field.width == 2 { 0xFFFF } else { 0xFFFF_FFFF };
    let new = match rng.below(7) {
        0 => 0,
        1 => 1,
        2 => max,
        3 => old.wrapping_add(1) & max,
        4 => old.wrapping_sub(1) & max,
        5 => old.wrapping_mul(2) & max,
        _ => rng.next() & max,
    };
    field.write(bytes, new);
    "corrupt a length"
}

#[derive(Clone, Copy)]
struct Field {
    at: usize,
    width: usize,
    big_endian: bool,
}

impl Field {
    fn read(self, bytes: &[u8]) -> u64 {
        let mut value = 0u64;
        for i in 0..self.width {
            let byte = u64::from(*bytes.get(self.at + i).unwrap_or(&0));
            value |= if self.big_endian {
                byte << (8 * (self.width - 1 - i))
            } else {
                byte << (8 * i)
            };
        }
        value
    }

    fn write(self, bytes: &mut [u8], value: u64) {
        for i in 0..self.width {
            let shift = if self.big_endian {
                8 * (self.width - 1 - i)
            } else {
                8 * i
            };
            if let Some(byte) = bytes.get_mut(self.at + i) {
                *byte = (value >> shift) as u8;
            }
        }
    }
}

/// The structural units of the file: PNG chunks, JPEG segments, RIFF (WebP) chunks.
fn units(bytes: &[u8]) -> Vec<(usize, usize)> {
    if bytes.starts_with(b"\x89PNG") {
        png_chunks(bytes)
            .into_iter()
            .map(|(start, len)| (start, (start + 12 + len).min(bytes.len())))
            .collect()
    } else if bytes.starts_with(&[0xFF, 0xD8]) {
        jpeg_segments(bytes)
            .into_iter()
            .map(|(start, len)| (start, (start + 2 + len).min(bytes.len())))
            .collect()
    } else if bytes.starts_with(b"RIFF") {
        riff_chunks(bytes)
            .into_iter()
            .map(|(start, len)| (start, (start + 8 + len).min(bytes.len())))
            .collect()
    } else {
        Vec::new()
    }
}

fn length_fields(bytes: &[u8]) -> Vec<Field> {
    let be = |at, width| Field {
        at,
        width,
        big_endian: true,
    };
    let le = |at, width| Field {
        at,
        width,
        big_endian: false,
    };
    if bytes.starts_with(b"\x89PNG") {
        let mut fields: Vec<Field> = png_chunks(bytes).into_iter().map(|(start, _)| be(start, 4)).collect();
        // IHDR's width and height.
        fields.extend([be(16, 4), be(20, 4)]);
        fields
    } else if bytes.starts_with(&[0xFF, 0xD8]) {
        let mut fields: Vec<Field> = jpeg_segments(bytes)
            .into_iter()
            .map(|(start, _)| be(start + 2, 2))
            .collect();
        // A frame header's height and width (SOF0/SOF2).
        if let Some(sof) = bytes
            .windows(2)
            .position(|w| w[0] == 0xFF && (w[1] == 0xC0 || w[1] == 0xC2))
        {
            fields.extend([be(sof + 5, 2), be(sof + 7, 2)]);
        }
        fields
    } else if bytes.starts_with(b"RIFF") {
        let mut fields = vec![le(4, 4)];
        fields.extend(riff_chunks(bytes).into_iter().map(|(start, _)| le(start + 4, 4)));
        fields
    } else if bytes.starts_with(b"II*\0") || bytes.starts_with(b"MM\0*") {
        tiff_fields(bytes, bytes.starts_with(b"MM"))
    } else if bytes.starts_with(b"BM") {
        // File size, pixel offset, header size, width, height, bits, image size.
        vec![
            le(2, 4),
            le(10, 4),
            le(14, 4),
            le(18, 4),
            le(22, 4),
            le(28, 2),
            le(34, 4),
        ]
    } else if bytes.starts_with(b"GIF") {
        vec![le(6, 2), le(8, 2)]
    } else {
        Vec::new()
    }
}

/// (offset of the length field, data length) of each PNG chunk.
fn png_chunks(bytes: &[u8]) -> Vec<(usize, usize)> {
    let mut found = Vec::new();
    let mut at = 8;
    while at + 8 <= bytes.len() && found.len() < 1000 {
        let len = u32::from_be_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]) as usize;
        found.push((at, len));
        at = at.saturating_add(12).saturating_add(len);
    }
    found
}

/// (offset of the marker, segment length) of each JPEG segment up to the first scan.
fn jpeg_segments(bytes: &[u8]) -> Vec<(usize, usize)> {
    let mut found = Vec::new();
    let mut at = 2;
    while at + 4 <= bytes.len() && bytes[at] == 0xFF && found.len() < 1000 {
        let marker = bytes[at + 1];
        let len = usize::from(u16::from_be_bytes([bytes[at + 2], bytes[at + 3]]));
        found.push((at, len));
        if marker == 0xDA || len < 2 {
            break;
        }
        at += 2 + len;
    }
    found
}

/// (offset of the fourcc, data length) of each chunk inside a RIFF file.
fn riff_chunks(bytes: &[u8]) -> Vec<(usize, usize)> {
    let mut found = Vec::new();
    let mut at = 12;
    while at + 8 <= bytes.len() && found.len() < 1000 {
        let len = u32::from_le_bytes([bytes[at + 4], bytes[at + 5], bytes[at + 6], bytes[at + 7]]) as usize;
        found.push((at, len));
        at = at.saturating_add(8).saturating_add(len + (len & 1));
    }
    found
}

/// The first IFD's offset, entry count, and each entry's count and value/offset fields.
fn tiff_fields(bytes: &[u8], big_endian: bool) -> Vec<Field> {
    let field = |at, width| Field { at, width, big_endian };
    let mut fields = vec![field(4, 4)];
    let ifd = field(4, 4).read(bytes) as usize;
    if ifd + 2 > bytes.len() {
        return fields;
    }
    fields.push(field(ifd, 2));
    let entries = field(ifd, 2).read(bytes) as usize;
    for entry in 0..entries.min(64) {
        let at = ifd + 2 + entry * 12;
        if at + 12 > bytes.len() {
            break;
        }
        fields.extend([field(at + 4, 4), field(at + 8, 4)]);
    }
    fields
}
