//! The import fuzz test's long mode: many more cases than CI runs, from a new master seed
//! each run (printed, so any failure is replayed with the test's DISTILLERY_FUZZ_REPLAY).
//! Prints cases per second, what the cases ended as, the slowest case and peak memory.
//!
//! `cargo bench --bench fuzz_import` (FUZZ_BENCH_CASES, default 50,000; FUZZ_BENCH_SEED to
//! repeat a run; FUZZ_BENCH_THREADS, default 2).

#[path = "../tests/fuzz/mutate.rs"]
mod mutate;
#[path = "../tests/fuzz/run.rs"]
mod run;

use distillery::app::AppContext;
use distillery::library::decode::budget::budget;
use std::time::Duration;

fn env_u64(name: &str) -> Option<u64> {
    let text = std::env::var(name).ok()?;
    match text.trim().strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16).ok(),
        None => text.trim().parse().ok(),
    }
}

fn main() {
    let cases = env_u64("FUZZ_BENCH_CASES").unwrap_or(50_000) as usize;
    let threads = env_u64("FUZZ_BENCH_THREADS").unwrap_or(2) as usize;
    let master = env_u64("FUZZ_BENCH_SEED").unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(1, |d| d.as_nanos() as u64)
    });
    let dir = tempfile::tempdir().unwrap();
    let options = distillery::cli::GlobalOptions {
        library: Some(dir.path().join("library")),
        data_dir: Some(dir.path().join("data")),
        ..Default::default()
    };
    let ctx = AppContext::open(&options).unwrap();
    let work = dir.path().join("cases");
    std::fs::create_dir_all(&work).unwrap();
    println!("fuzz_import: {cases} cases on {threads} threads, master seed {master:#x}");
    let findings = run::run(
        &ctx.db,
        &ctx.library,
        &work,
        master,
        cases,
        threads,
        Duration::from_secs(60),
    );
    println!("{}", findings.report());
    println!(
        "peak RSS {} MiB; decode budget peak {} of {} MiB",
        run::peak_rss() >> 20,
        budget().peak() >> 20,
        budget().capacity() >> 20
    );
    if !findings.failures.is_empty() {
        println!(
            "{} FAILURES:\n{}",
            findings.failures.len(),
            findings.failures.join("\n")
        );
        std::process::exit(1);
    }
}
