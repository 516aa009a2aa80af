//! Helpers the benchmarks share: medians, milliseconds, resident memory, app options.
#![allow(dead_code)]

use std::path::Path;
use std::time::Duration;

pub fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

pub fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

/// This process's resident memory, in MB.
pub fn rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(0.0, |kb| kb / 1024.0)
}

/// The app's options for a bench folder holding `library/` and `data/`.
pub fn options(dir: &Path) -> distillery::cli::GlobalOptions {
    distillery::cli::GlobalOptions {
        library: Some(dir.join("library")),
        data_dir: Some(dir.join("data")),
        ..Default::default()
    }
}

pub mod window;
