//! Splits the engine's stdout into lines with a hard length limit.
//!
//! tokio-util's `LinesCodec` does the splitting and discards the rest of an over-long line;
//! this wrapper turns its errors into items, because a framed stream ends at the first
//! error and one bad line must not cut the app off from the engine.

use bytes::BytesMut;
use tokio_util::codec::{Decoder, LinesCodec, LinesCodecError};

/// Lines longer than this are dropped (the engine's longest real lines are a few KB; the
/// model loader's progress bar can reach tens of KB).
pub const MAX_LINE_BYTES: usize = 1024 * 1024;

/// How much of a bad line is kept for the log.
const PREVIEW_BYTES: usize = 80;

/// One line of engine output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EngineLine {
    Text(String),
    /// Longer than the limit; the rest of it was discarded. Holds its first bytes.
    TooLong {
        preview: String,
    },
    /// Not valid UTF-8. Holds its first bytes, lossily decoded.
    NotUtf8,
}

/// A `LinesCodec` that never fails on content, only on I/O.
#[derive(Debug)]
pub struct EngineLineCodec {
    inner: LinesCodec,
    max: usize,
}

impl EngineLineCodec {
    pub fn new(max_line_bytes: usize) -> Self {
        Self {
            inner: LinesCodec::new_with_max_length(max_line_bytes),
            max: max_line_bytes,
        }
    }

    fn convert(
        &self,
        result: Result<Option<String>, LinesCodecError>,
        preview: String,
    ) -> Result<Option<EngineLine>, std::io::Error> {
        match result {
            Ok(line) => Ok(line.map(EngineLine::Text)),
            Err(LinesCodecError::MaxLineLengthExceeded) => Ok(Some(EngineLine::TooLong { preview })),
            Err(LinesCodecError::Io(error)) if error.kind() == std::io::ErrorKind::InvalidData => {
                Ok(Some(EngineLine::NotUtf8))
            }
            Err(LinesCodecError::Io(error)) => Err(error),
        }
    }
}

impl Default for EngineLineCodec {
    fn default() -> Self {
        Self::new(MAX_LINE_BYTES)
    }
}

fn preview(buf: &BytesMut) -> String {
    String::from_utf8_lossy(&buf[..buf.len().min(PREVIEW_BYTES)]).into_owned()
}

impl Decoder for EngineLineCodec {
    type Item = EngineLine;
    type Error = std::io::Error;

    fn decode(&mut self, buf: &mut BytesMut) -> Result<Option<EngineLine>, std::io::Error> {
        let start = if buf.len() > self.max {
            preview(buf)
        } else {
            String::new()
        };
        let result = self.inner.decode(buf);
        self.convert(result, start)
    }

    fn decode_eof(&mut self, buf: &mut BytesMut) -> Result<Option<EngineLine>, std::io::Error> {
        let start = if buf.len() > self.max {
            preview(buf)
        } else {
            String::new()
        };
        let result = self.inner.decode_eof(buf);
        self.convert(result, start)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Feeds `input` in chunks of the given sizes and collects every item.
    fn decode_all(codec: &mut EngineLineCodec, input: &[u8], chunks: &[usize]) -> (Vec<EngineLine>, usize) {
        let mut buf = BytesMut::new();
        let mut out = Vec::new();
        let mut peak = 0;
        let mut rest = input;
        let mut sizes = chunks.iter().cycle();
        while !rest.is_empty() {
            let n = (*sizes.next().unwrap()).clamp(1, rest.len());
            buf.extend_from_slice(&rest[..n]);
            rest = &rest[n..];
            peak = peak.max(buf.len());
            while let Some(item) = codec.decode(&mut buf).unwrap() {
                out.push(item);
            }
        }
        while let Some(item) = codec.decode_eof(&mut buf).unwrap() {
            out.push(item);
            if buf.is_empty() {
                break;
            }
        }
        (out, peak)
    }

    #[test]
    fn splits_lines_across_chunks_and_keeps_the_last_unterminated_one() {
        let mut codec = EngineLineCodec::new(64);
        let (lines, _) = decode_all(&mut codec, b"{\"a\":1}\r\n\n{\"b\":2}\nlast", &[3, 1, 5]);
        assert_eq!(
            lines,
            [
                EngineLine::Text("{\"a\":1}".into()),
                EngineLine::Text(String::new()),
                EngineLine::Text("{\"b\":2}".into()),
                EngineLine::Text("last".into())
            ]
        );
    }

    #[test]
    fn an_over_long_line_is_reported_once_and_the_next_line_survives() {
        let mut codec = EngineLineCodec::new(100);
        let mut input = vec![b'x'; 10_000];
        input.extend_from_slice(b"\nok\n");
        let (lines, peak) = decode_all(&mut codec, &input, &[512]);
        assert_eq!(lines.len(), 2, "{lines:?}");
        assert!(matches!(&lines[0], EngineLine::TooLong { preview } if preview.starts_with("xxxx")));
        assert_eq!(lines[1], EngineLine::Text("ok".into()));
        assert!(peak <= 100 + 512, "the buffer stays bounded (peak {peak})");
    }

    #[test]
    fn invalid_utf8_is_reported_and_decoding_goes_on() {
        let mut codec = EngineLineCodec::new(100);
        let (lines, _) = decode_all(&mut codec, b"\xff\xfe bad\nfine\n", &[4]);
        assert_eq!(lines, [EngineLine::NotUtf8, EngineLine::Text("fine".into())]);
    }

    /// Random bytes, random chunking, random line lengths (some huge): never an error, never
    /// unbounded memory, and every short valid line that was sent comes out intact.
    #[test]
    fn survives_random_input() {
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for _round in 0..200 {
            let max = 64 + (next() % 256) as usize;
            let mut codec = EngineLineCodec::new(max);
            let mut input = Vec::new();
            let mut expected_good = Vec::new();
            for _ in 0..(next() % 40) {
                match next() % 4 {
                    0 => {
                        let len = (next() % 5000) as usize;
                        input.extend((0..len).map(|_| next() as u8));
                    }
                    1 => {
                        let len = max + 1 + (next() % 3000) as usize;
                        input.extend(std::iter::repeat_n(b'a', len));
                        input.push(b'\n');
                    }
                    _ => {
                        let len = (next() % max as u64) as usize;
                        let line: String = (0..len).map(|_| char::from(b'a' + (next() % 26) as u8)).collect();
                        // Only count it if it starts a line (random bytes may precede it).
                        if input.last().is_none_or(|b| *b == b'\n') {
                            expected_good.push(line.clone());
                        }
                        input.extend_from_slice(line.as_bytes());
                        input.push(b'\n');
                    }
                }
            }
            let chunk = 1 + (next() % 700) as usize;
            let (lines, peak) = decode_all(&mut codec, &input, &[chunk]);
            assert!(
                peak <= max + chunk + 1,
                "buffer peak {peak} with max {max} and chunk {chunk}"
            );
            let texts: Vec<&String> = lines
                .iter()
                .filter_map(|l| if let EngineLine::Text(t) = l { Some(t) } else { None })
                .collect();
            for good in &expected_good {
                assert!(texts.contains(&good), "lost a valid line of {} bytes", good.len());
            }
        }
    }
}
