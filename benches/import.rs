//! Import throughput on 2,000 distinct photo-like PNGs of 256–1024 px a side (made once by
//! tests/common/corpus.rs into target/corpus/bulk-2000):
//! - the whole import (read, hash, decode, thumbnail, copy, database) with 1 and 2 threads,
//!   in images per second, and where the time goes per image;
//! - the thumbnail stage alone (decode, resize, JPEG encode) on 2 threads;
//! - `vipsthumbnail` (libvips-tools) making the same 400 × 400 centre crops from the same
//!   files in the same run, for comparison.
//!
//! Run with `cargo bench --bench import` (IMPORT_BENCH_COUNT to change the set's size).

mod common;
// Only the bulk set is used here; the rest of the corpus serves the import tests.
#[allow(dead_code)]
#[path = "../tests/common/corpus.rs"]
mod corpus;

use distillery::app::AppContext;
use distillery::import::{ImportOptions, import};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

fn bulk(count: usize) -> PathBuf {
    let out = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("target/corpus/bulk-{count}"));
    corpus::bulk(&out, count);
    out
}

fn images(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "png"))
        .collect();
    files.sort();
    files
}

fn per_second(count: usize, took: Duration) -> f64 {
    count as f64 / took.as_secs_f64()
}

fn ms_each(total: Duration, count: usize) -> String {
    format!("{:.2} ms", total.as_secs_f64() * 1000.0 / count as f64)
}

fn main() {
    let count: usize = std::env::var("IMPORT_BENCH_COUNT")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(2000);
    let dir = bulk(count);
    let files = images(&dir);
    assert_eq!(files.len(), count);
    let megapixels: f64 = files
        .iter()
        .filter_map(|f| image::image_dimensions(f).ok())
        .map(|(w, h)| f64::from(w) * f64::from(h) / 1e6)
        .sum::<f64>()
        / count as f64;
    println!("{count} PNGs, {megapixels:.2} MP on average\n");
    println!("| stage | images/s | goal |");
    println!("|---|---|---|");

    // The thumbnail stage alone: decode, resize, encode, on two threads.
    let next = AtomicUsize::new(0);
    let started = Instant::now();
    std::thread::scope(|scope| {
        for _ in 0..2 {
            scope.spawn(|| {
                while let Some(path) = files.get(next.fetch_add(1, Ordering::Relaxed)) {
                    let bytes = std::fs::read(path).unwrap();
                    let image = distillery::library::decode::decode_bytes(&bytes).unwrap();
                    let jpeg = distillery::library::thumbnails::thumbnail_jpeg(&image).unwrap();
                    assert!(!jpeg.is_empty());
                }
            });
        }
    });
    let stage = per_second(count, started.elapsed());

    // vipsthumbnail: the same crops, one process over every file (it uses every core).
    let vips = {
        let out = tempfile::tempdir().unwrap();
        let started = Instant::now();
        let ran = std::process::Command::new("vipsthumbnail")
            .args(["--size", "400x400", "--smartcrop", "centre", "-o"])
            .arg(format!("{}/%s.jpg[Q=85]", out.path().display()))
            .args(&files)
            .status();
        match ran {
            Ok(status) if status.success() => Some(per_second(count, started.elapsed())),
            _ => None,
        }
    };
    let ratio = |ours: f64| {
        vips.map_or("vipsthumbnail not installed".to_owned(), |v| {
            format!("{:.2}× vipsthumbnail", ours / v)
        })
    };
    println!(
        "| thumbnail stage alone (decode + resize + encode, 2 threads) | {stage:.1} ({}) | ≥ 2× vipsthumbnail |",
        ratio(stage)
    );
    if let Some(v) = vips {
        println!("| vipsthumbnail --size 400x400 --smartcrop centre (all cores) | {v:.1} | |");
    }

    for threads in [1, 2] {
        let library = tempfile::tempdir().unwrap();
        let ctx = AppContext::open(&common::options(library.path())).unwrap();
        let started = Instant::now();
        let report = import(
            &ctx.db,
            &ctx.library,
            std::slice::from_ref(&dir),
            ImportOptions { threads },
            &AtomicBool::new(false),
            &|_| {},
        );
        let took = started.elapsed();
        assert_eq!(report.imported.len(), count, "{}", report.summary());
        ctx.db.flush_blocking().unwrap();
        let rate = per_second(count, took);
        let goal = if threads == 2 { "≥ 1.2× vipsthumbnail" } else { "" };
        println!(
            "| whole import, {threads} thread(s) | {rate:.1} ({}) | {goal} |",
            ratio(rate)
        );
        let t = report.timings;
        println!(
            "|   per image ({threads} thread(s), summed over threads): read {} · hash {} · decode {} · thumbnail {} · copy {} · database {} | | |",
            ms_each(t.read, count),
            ms_each(t.hash, count),
            ms_each(t.decode, count),
            ms_each(t.thumbnail, count),
            ms_each(t.copy, count),
            ms_each(t.database, count)
        );
    }
}
