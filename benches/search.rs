//! Prompt search on a 100,000-item demo library (`SEARCH_BENCH_COUNT` to change): what the
//! grid runs when the search field changes, the count and the first page, for searches from
//! narrow to matching nearly everything, each under the default view and a rating filter.
//! Prints a table of medians and 95th percentiles.

mod common;

use common::{median, ms};
use distillery::app::AppContext;
use distillery::browse::PAGE_SIZE;
use distillery::db::media_query::{self, MediaFilter, MediaSort, SearchText, StatusFilter};
use distillery::db::types::Rating;
use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

fn p95(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[(samples.len() * 95 / 100).min(samples.len() - 1)]
}

fn main() {
    let count: u32 = std::env::var("SEARCH_BENCH_COUNT")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(100_000);
    // The grid bench's library, when it has been made.
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("target/bench-grid-{count}"));
    if !dir.join("data").exists() {
        std::fs::create_dir_all(&dir).unwrap();
        let made = Command::new(env!("CARGO_BIN_EXE_distillery"))
            .args(["--data-dir", &dir.join("data").display().to_string()])
            .args(["--library", &dir.join("library").display().to_string()])
            .args(["demo-library", "--count", &count.to_string()])
            .status()
            .unwrap();
        assert!(made.success(), "demo-library failed");
    }
    let opened = Instant::now();
    let ctx = AppContext::open(&common::options(&dir)).unwrap();
    println!(
        "opened (migrating the first time, which builds the index) in {:.0} ms",
        opened.elapsed().as_secs_f64() * 1000.0
    );

    println!("\nPrompt search, {count} items: count + first page of {PAGE_SIZE}, newest first, 41 runs\n");
    println!("| search | filter | matches | median | p95 | goal |\n|---|---|---|---|---|---|");
    let mut all = Vec::new();
    for text in [
        "lighthouse",
        "fox snow",
        "golden hour",
        "neon",
        "cinematic anamorphic",
        "a",
        "zebra",
    ] {
        for (label, min_rating) in [("all", 0u8), ("★ 3 and up", 3)] {
            let filter = MediaFilter {
                min_rating: Rating::new(min_rating).unwrap(),
                status: StatusFilter::All,
                search: SearchText::parse(text),
                ..Default::default()
            };
            let mut times = Vec::new();
            let mut matches = 0;
            for _ in 0..41 {
                let f = filter.clone();
                let t = Instant::now();
                let (n, _) = ctx
                    .db
                    .call_blocking(move |c| {
                        Ok((
                            media_query::count(c, &f)?,
                            media_query::page(c, &f, MediaSort::NewestFirst, None, PAGE_SIZE as u32)?,
                        ))
                    })
                    .unwrap();
                times.push(t.elapsed());
                matches = n;
            }
            all.extend(times.iter().copied());
            println!(
                "| {text} | {label} | {matches} | {} | {} | < 20 ms |",
                ms(median(times.clone())),
                ms(p95(times))
            );
        }
    }
    println!(
        "| every search above | | | {} | {} | < 20 ms |",
        ms(median(all.clone())),
        ms(p95(all))
    );
}
