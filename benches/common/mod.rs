//! Helpers the benchmarks share: medians, milliseconds, resident memory, app options.
#![allow(dead_code)]

use std::path::Path;
use std::time::Duration;

pub fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

/// The sample at quantile `q` (0.9 for p90), the nearest rank after sorting.
pub fn percentile(samples: &[Duration], q: f64) -> Duration {
    let mut sorted = samples.to_vec();
    sorted.sort();
    sorted[((sorted.len() - 1) as f64 * q).round() as usize]
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

pub mod page_ratio;
pub mod window;

/// A demo library of `count` items in target/bench-`name`-`count` (library/ and data/),
/// made by `distillery demo-library` the first time and reused after.
pub fn demo_library(name: &str, count: u32) -> std::path::PathBuf {
    let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("target/bench-{name}-{count}"));
    if !dir.join("data").exists() {
        std::fs::create_dir_all(&dir).unwrap();
        let made = std::process::Command::new(env!("CARGO_BIN_EXE_distillery"))
            .arg("--data-dir")
            .arg(dir.join("data"))
            .arg("--library")
            .arg(dir.join("library"))
            .args(["demo-library", "--count", &count.to_string()])
            .status()
            .unwrap();
        assert!(made.success(), "demo-library failed");
    }
    dir
}

/// The simulated engine (a child process, with these phase delays in ms: LOAD, COND, ENCODE,
/// STEP, DECODE, SAVE) with a model loaded, and the queue over it and `ctx`'s library.
pub async fn sim_queue(
    ctx: &distillery::app::AppContext,
    workdir: &Path,
    delays_ms: [(&str, u32); 6],
) -> (distillery::engine::EngineHandle, distillery::queue::QueueHandle) {
    let mut config =
        distillery::engine::EngineConfig::new(env!("CARGO_BIN_EXE_cn-engine-sim").into(), workdir.join("cwd"));
    config.env = delays_ms
        .iter()
        .map(|(name, ms)| (format!("CN_SIM_{name}_MS"), ms.to_string()))
        .chain([("CN_SIM_LOAD_NOISE".to_owned(), "0".to_owned())])
        .collect();
    let engine = distillery::engine::EngineHandle::start(config);
    engine
        .load(distillery::engine::protocol::LoadParams {
            diffusion_model: Some("/m/flux2-klein.gguf".into()),
            ..Default::default()
        })
        .await
        .unwrap();
    let (queue, _) = distillery::queue::QueueHandle::start(
        ctx.db.clone(),
        ctx.library.clone(),
        engine.clone(),
        "bench".into(),
        ctx.ownership.clone(),
    )
    .await
    .unwrap();
    (engine, queue)
}

/// No delays at all: the engine answers as fast as it can write PNGs.
pub const INSTANT: [(&str, u32); 6] = [
    ("LOAD", 0),
    ("COND", 0),
    ("ENCODE", 0),
    ("STEP", 0),
    ("DECODE", 0),
    ("SAVE", 0),
];
