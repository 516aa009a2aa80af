//! How numbers, sizes and times read in the UI: "10,000", "1.4 MB", "1024 × 688",
//! "25 Nov 2026, 14:03".

use std::sync::OnceLock;

/// The local time zone, read once (from `TZ` or the system's zone file); `None` when it
/// cannot be read, and times are then shown in UTC and say so.
pub fn local_zone() -> Option<&'static jiff::tz::TimeZone> {
    static ZONE: OnceLock<Option<jiff::tz::TimeZone>> = OnceLock::new();
    ZONE.get_or_init(|| jiff::tz::TimeZone::try_system().ok()).as_ref()
}

/// 10000 → "10,000" ("10.000" in German: the user's language decides).
pub fn grouped(n: i64) -> String {
    grouped_with(n, crate::i18n::number_marks().thousands)
}

fn grouped_with(n: i64, separator: char) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(separator);
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

/// "1.4 MB", "820 KB", "312 bytes" (decimal units, as file managers show them; "1,4 MB"
/// in German).
pub fn file_size(bytes: i64) -> String {
    let bytes = bytes.max(0) as f64;
    if bytes < 1000.0 {
        crate::i18n::tr_n("{n} byte", "{n} bytes", bytes as u64, &bytes.to_string())
    } else if bytes < 1_000_000.0 {
        format!("{:.0} KB", bytes / 1000.0)
    } else if bytes < 1_000_000_000.0 {
        format!("{} MB", decimal(bytes / 1_000_000.0, 1))
    } else {
        format!("{} GB", decimal(bytes / 1_000_000_000.0, 2))
    }
}

/// `value` with `places` decimals and the user's decimal mark: 3.24 → "3.2" ("3,2").
pub fn decimal(value: f64, places: usize) -> String {
    let text = format!("{value:.places$}");
    match crate::i18n::number_marks().decimal {
        '.' => text,
        mark => text.replace('.', &mark.to_string()),
    }
}

/// "is too large to import (513 MB; the limit is 512 MB)": why a file over `limit` bytes is
/// refused, `purpose` saying for what. Sizes in MiB as the limits are set, rounded up, so a
/// file just over the limit does not read as equal to it.
pub fn too_large(bytes: u64, limit: u64, purpose: &'static str) -> String {
    crate::i18n::fill(
        // TRANSLATORS: "is too large to import (513 MB; the limit is 512 MB)".
        &crate::i18n::tr("is too large {} ({} MB; the limit is {} MB)"),
        &[
            &crate::i18n::tr(purpose),
            &bytes.div_ceil(1 << 20).to_string(),
            &(limit >> 20).to_string(),
        ],
    )
}

/// "1024 × 688".
pub fn dimensions(width: Option<i32>, height: Option<i32>) -> String {
    match (width, height) {
        (Some(w), Some(h)) => format!("{w} × {h}"),
        _ => crate::i18n::tr("unknown"),
    }
}

/// A stored UTC timestamp (RFC 3339, as the catalogue keeps them) in local time: "25 Nov
/// 2026, 14:03" (with "UTC" when the local time zone could not be read). Each date gets its
/// own offset, so dates on both sides of a daylight-saving change are both right. Text that
/// is not a timestamp is shown as it is.
pub fn local_time(stored: &str) -> String {
    match local_zone() {
        Some(zone) => time_in_zone(stored, zone, ""),
        None => time_in_zone(stored, &jiff::tz::TimeZone::UTC, " UTC"),
    }
}

fn time_in_zone(stored: &str, zone: &jiff::tz::TimeZone, suffix: &str) -> String {
    let Ok(at) = stored.parse::<jiff::Timestamp>() else {
        return stored.to_owned();
    };
    let local = at.to_zoned(zone.clone());
    // TRANSLATORS: how a date and time read, as a strftime pattern ("25 Nov 2026, 14:03");
    // month names stay English, so prefer numbers ("%d.%m.%Y, %H:%M").
    format!("{}{suffix}", local.strftime(&crate::i18n::tr("%-d %b %Y, %H:%M")))
}

/// "3.2 s", "850 ms", "2 min 5 s".
pub fn duration_ms(ms: i64) -> String {
    if ms < 1000 {
        format!("{ms} ms")
    } else if ms < 60_000 {
        format!("{} s", decimal(ms as f64 / 1000.0, 1))
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

/// An error's words as a sentence for the user: trimmed, a capital first letter, a full stop
/// ("there is no collection called “X”" → "There is no collection called “X”.").
pub fn sentence(text: &str) -> String {
    with_full_stop(&capitalised(text.trim()))
}

/// "1 image", "1,204 images".
pub fn images(n: usize) -> String {
    match n {
        1 => "1 image".to_owned(),
        n => format!("{} images", grouped(n as i64)),
    }
}

/// [`images`] in the user's language, for the window (the command line stays English).
pub fn images_translated(n: usize) -> String {
    crate::i18n::tr_n("{n} image", "{n} images", n as u64, &grouped(n as i64))
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
        assert_eq!(grouped_with(1_234_567, '.'), "1.234.567");
        assert_eq!(file_size(312), "312 bytes");
        assert_eq!(file_size(1), "1 byte");
        assert_eq!(file_size(820_400), "820 KB");
        assert_eq!(file_size(1_432_000), "1.4 MB");
        assert_eq!(file_size(4_200_000_000), "4.20 GB");
        assert_eq!(dimensions(Some(1024), Some(688)), "1024 × 688");
        assert_eq!(dimensions(None, Some(5)), "unknown");
        assert_eq!(duration_ms(850), "850 ms");
        assert_eq!(duration_ms(3240), "3.2 s");
        assert_eq!(duration_ms(125_000), "2 min 5 s");
        let stamp = "2026-11-25T14:03:09.120Z";
        assert_eq!(
            time_in_zone(stamp, &jiff::tz::TimeZone::UTC, " UTC"),
            "25 Nov 2026, 14:03 UTC"
        );
    }

    #[test]
    fn each_date_gets_its_own_offset_across_a_daylight_saving_change() {
        // Central Europe: UTC+1 in winter, UTC+2 in summer; the clocks went back on
        // 25 Oct 2026 at 03:00 summer time.
        let berlin = jiff::tz::TimeZone::posix("CET-1CEST,M3.5.0,M10.5.0/3").unwrap();
        let summer = "2026-10-24T12:00:00.000Z";
        let winter = "2026-10-26T12:00:00.000Z";
        assert_eq!(time_in_zone(summer, &berlin, ""), "24 Oct 2026, 14:00");
        assert_eq!(time_in_zone(winter, &berlin, ""), "26 Oct 2026, 13:00");
        // An hour before and after the change itself (01:00 UTC).
        let before = "2026-10-25T00:30:00.000Z";
        let after = "2026-10-25T01:30:00.000Z";
        assert_eq!(time_in_zone(before, &berlin, ""), "25 Oct 2026, 02:30");
        assert_eq!(time_in_zone(after, &berlin, ""), "25 Oct 2026, 02:30");
    }
}
