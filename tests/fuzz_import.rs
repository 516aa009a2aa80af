//! Mutation fuzzing of the import: thousands of broken variants of valid PNG, APNG, JPEG
//! (baseline, progressive, EXIF), WebP, GIF, BMP and TIFF (strip, tiled, planar) files, each
//! imported through the real import path into a real library. No panic may escape, no case
//! may hang, memory stays within the decode budget, and every file ends imported with a
//! thumbnail or refused with a reason.
//!
//! `DISTILLERY_FUZZ_CASES` (default 3000) and `DISTILLERY_FUZZ_SEED` (a fixed default, so CI
//! is repeatable) choose the run; a failure prints the case seed, and
//! `DISTILLERY_FUZZ_REPLAY=<case seed> DISTILLERY_FUZZ_SEED_FILE=<name>` replays one case.
//! The long run is `cargo bench --bench fuzz_import`.

mod common;
#[path = "fuzz/mutate.rs"]
mod mutate;
#[path = "fuzz/run.rs"]
mod run;

use common::TempApp;
use distillery::app::AppContext;
use distillery::library::decode::budget::{BUDGET_ENV, budget};
use std::time::Duration;

const DEFAULT_CASES: usize = 3000;
const DEFAULT_MASTER_SEED: u64 = 0x5EED_D157_1113_2026;
/// The budget for this run: small, so staying under it means something.
const BUDGET_MIB: u64 = 256;
/// What the test process itself holds besides decoding (runtime, SQLite, test harness).
const BASELINE_ALLOWANCE: u64 = 200 << 20;

fn env_number(name: &str) -> Option<u64> {
    let text = std::env::var(name).ok()?;
    let text = text.trim();
    match text.strip_prefix("0x") {
        Some(hex) => u64::from_str_radix(hex, 16).ok(),
        None => text.parse().ok(),
    }
}

#[test]
fn mutated_images_are_imported_or_refused_with_a_reason_never_a_panic() {
    // SAFETY: this binary's only test sets it before any thread reads the environment.
    unsafe { std::env::set_var(BUDGET_ENV, BUDGET_MIB.to_string()) };
    let app = TempApp::new();
    let ctx = AppContext::open(&app.options()).unwrap();
    let work = app.dir.path().join("cases");
    std::fs::create_dir_all(&work).unwrap();

    if let Some(case) = env_number("DISTILLERY_FUZZ_REPLAY") {
        let name = std::env::var("DISTILLERY_FUZZ_SEED_FILE").expect("DISTILLERY_FUZZ_SEED_FILE names the seed");
        let seeds = run::seeds();
        let seed = seeds.iter().find(|s| s.name == name).expect("a seed of that name");
        match run::run_case(&ctx.db, &ctx.library, &work, seed, case) {
            run::Verdict::Broken(what) => panic!("case {case:#x} of {name}: {what}"),
            run::Verdict::Refused(reason) => eprintln!("refused: {reason}"),
            _ => eprintln!("imported"),
        }
        return;
    }

    let cases = env_number("DISTILLERY_FUZZ_CASES").map_or(DEFAULT_CASES, |n| n as usize);
    let master = env_number("DISTILLERY_FUZZ_SEED").unwrap_or(DEFAULT_MASTER_SEED);
    let findings = run::run(&ctx.db, &ctx.library, &work, master, cases, 2, Duration::from_secs(60));
    eprintln!("master seed {master:#x}\n{}", findings.report());

    assert!(
        findings.failures.is_empty(),
        "{} cases broke a promise:\n{}",
        findings.failures.len(),
        findings.failures.join("\n")
    );
    assert_eq!(findings.cases, cases);
    // The mutations reach both outcomes (a generator that only breaks files, or never
    // does, would prove nothing).
    assert!(findings.imported > cases / 20, "{}", findings.report());
    assert!(
        findings.reasons.values().sum::<usize>() > cases / 4,
        "{}",
        findings.report()
    );

    let budget = budget();
    assert_eq!(budget.capacity(), BUDGET_MIB << 20);
    assert!(budget.peak() <= budget.capacity());
    let rss = run::peak_rss();
    eprintln!(
        "peak RSS {} MiB; decode budget peak {} of {} MiB",
        rss >> 20,
        budget.peak() >> 20,
        budget.capacity() >> 20
    );
    assert!(
        rss < budget.capacity() + BASELINE_ALLOWANCE,
        "peak RSS {} MiB is over the budget",
        rss >> 20
    );
}
