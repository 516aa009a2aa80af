//! How numbers, sizes and times read in the UI: "10,000", "1.4 MB", "1024 × 688",
//! "25 Nov 2026, 14:03".

use std::sync::OnceLock;

static LOCAL_OFFSET: OnceLock<time::UtcOffset> = OnceLock::new();

/// Reads the local time zone's offset. Call at the start of `main`, while the process has one
/// thread: on Linux the `time` crate can only read it then (reading the environment while
/// other threads may write it is unsound). Later calls keep the first answer.
pub fn remember_local_offset() {
    if let Ok(offset) = time::UtcOffset::current_local_offset() {
        let _ = LOCAL_OFFSET.set(offset);
    }
}

/// 10000 → "10,000".
pub fn grouped(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// A path as the UI shows it: the home folder as `~`.
pub fn display_path(path: &std::path::Path) -> String {
    let home = directories::UserDirs::new().map(|dirs| dirs.home_dir().to_owned());
    match home.as_deref().and_then(|home| path.strip_prefix(home).ok()) {
        Some(rest) if !rest.as_os_str().is_empty() => format!("~/{}", rest.display()),
        _ => path.display().to_string(),
    }
}

/// "1.4 MB", "820 KB", "312 bytes" (decimal units, as file managers show them).
pub fn file_size(bytes: i64) -> String {
    let bytes = bytes.max(0) as f64;
    if bytes < 1000.0 {
        format!("{bytes} bytes")
    } else if bytes < 1_000_000.0 {
        format!("{:.0} KB", bytes / 1000.0)
    } else if bytes < 1_000_000_000.0 {
        format!("{:.1} MB", bytes / 1_000_000.0)
    } else {
        format!("{:.2} GB", bytes / 1_000_000_000.0)
    }
}

/// "is too large to import (513 MB; the limit is 512 MB)": why a file over `limit` bytes is
/// refused, `purpose` saying for what. Sizes in MiB as the limits are set, rounded up, so a
/// file just over the limit does not read as equal to it.
pub fn too_large(bytes: u64, limit: u64, purpose: &str) -> String {
    format!(
        "is too large {purpose} ({} MB; the limit is {} MB)",
        bytes.div_ceil(1 << 20),
        limit >> 20
    )
}

/// "1024 × 688".
pub fn dimensions(width: Option<i32>, height: Option<i32>) -> String {
    match (width, height) {
        (Some(w), Some(h)) => format!("{w} × {h}"),
        _ => "unknown".to_owned(),
    }
}

/// A stored UTC timestamp in local time: "25 Nov 2026, 14:03" (with "UTC" when the local
/// offset could not be read).
pub fn local_time(stored: &crate::db::types::Timestamp) -> String {
    let Ok(at) = time::PrimitiveDateTime::parse(
        stored.as_str(),
        time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond]Z"),
    ) else {
        return stored.as_str().to_owned();
    };
    let utc = at.assume_utc();
    let (at, suffix) = match LOCAL_OFFSET.get() {
        Some(offset) => (utc.to_offset(*offset), ""),
        None => (utc, " UTC"),
    };
    let text = at
        .format(time::macros::format_description!(
            "[day padding:none] [month repr:short] [year], [hour]:[minute]"
        ))
        .unwrap_or_default();
    format!("{text}{suffix}")
}

/// "3.2 s", "850 ms", "2 min 5 s".
pub fn duration_ms(ms: i64) -> String {
    if ms < 1000 {
        format!("{ms} ms")
    } else if ms < 60_000 {
        format!("{:.1} s", ms as f64 / 1000.0)
    } else {
        format!("{} min {} s", ms / 60_000, (ms % 60_000) / 1000)
    }
}

/// `text` with a capital first letter ("the disk is full" → "The disk is full").
pub fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// `text` ending like a sentence: a full stop added unless it already ends with one, a
/// question or exclamation mark, or a closing parenthesis.
pub fn with_full_stop(text: &str) -> String {
    if text.is_empty() || text.ends_with(['.', '!', '?', ')']) {
        text.to_owned()
    } else {
        format!("{text}.")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_dimensions_durations_and_times_read_naturally() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(342), "342");
        assert_eq!(grouped(1000), "1,000");
        assert_eq!(grouped(10_000), "10,000");
        assert_eq!(grouped(1_234_567), "1,234,567");
        assert_eq!(grouped(-4200), "-4,200");
        assert_eq!(file_size(312), "312 bytes");
        assert_eq!(file_size(820_400), "820 KB");
        assert_eq!(file_size(1_432_000), "1.4 MB");
        assert_eq!(file_size(4_200_000_000), "4.20 GB");
        assert_eq!(dimensions(Some(1024), Some(688)), "1024 × 688");
        assert_eq!(dimensions(None, Some(5)), "unknown");
        assert_eq!(duration_ms(850), "850 ms");
        assert_eq!(duration_ms(3240), "3.2 s");
        assert_eq!(duration_ms(125_000), "2 min 5 s");
        let stamp = crate::db::types::Timestamp::parse("2026-11-25T14:03:09.120Z").unwrap();
        // Tests run without the offset remembered: UTC, said so.
        assert_eq!(local_time(&stamp), "25 Nov 2026, 14:03 UTC");
    }
}
