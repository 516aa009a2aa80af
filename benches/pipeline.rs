//! Generation pipeline benchmark with an instant simulated engine (all delays zero):
//! - engine result received -> media row committed and thumbnail written, for 1024 x 1024
//!   PNGs: median and p90, split into verify, original write, thumbnail and transaction;
//! - queue throughput: jobs per second end to end (submit to committed row) for 1024 x 1024
//!   and for 512 x 512 images.
//!
//! Run with `cargo bench --bench pipeline`.

mod common;

use distillery::app::AppContext;
use distillery::cli::GlobalOptions;
use distillery::db::types::JobStatus;
use distillery::generation::{Aspect, GenerationRequest, Resolution};
use distillery::queue::FinishTimings;
use std::time::{Duration, Instant};

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn percentile(values: &mut [f64], p: f64) -> f64 {
    values.sort_by(|a, b| a.total_cmp(b));
    values[((values.len() - 1) as f64 * p).round() as usize]
}

async fn run(resolution: Resolution, count: u32) -> (Vec<FinishTimings>, Duration) {
    let dir = tempfile::tempdir().unwrap();
    let options = GlobalOptions {
        library: Some(dir.path().join("library")),
        data_dir: Some(dir.path().join("data")),
        ..Default::default()
    };
    // Opening blocks (the database is read and migrated): off the async worker.
    let ctx = tokio::task::block_in_place(|| AppContext::open(&options)).unwrap();
    let (engine, queue) = common::sim_queue(&ctx, dir.path(), common::INSTANT).await;
    let mut updates = queue.subscribe();
    let started = Instant::now();
    let request = GenerationRequest {
        count,
        resolution,
        aspect: Aspect::Square,
        ..GenerationRequest::new("benchmark")
    };
    let jobs = queue.submit(request).await.unwrap();
    let mut timings = Vec::new();
    let mut finished = 0;
    while finished < jobs.len() {
        let update = updates.recv().await.unwrap();
        if update.is_final() {
            assert_eq!(update.status, JobStatus::Completed, "{:?}", update.error);
            finished += 1;
            timings.extend(update.timings);
        }
    }
    let elapsed = started.elapsed();
    engine.shutdown().await;
    (timings, elapsed)
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let (timings, elapsed) = run(Resolution::R1024, 40).await;
        let column = |pick: fn(&FinishTimings) -> Duration| {
            let mut values: Vec<f64> = timings.iter().map(|t| ms(pick(t))).collect();
            (percentile(&mut values, 0.5), percentile(&mut values, 0.9))
        };
        let (total, total90) = column(|t| t.total);
        let (verify, _) = column(|t| t.verify);
        let (original, _) = column(|t| t.write_original);
        let (thumbnail, _) = column(|t| t.thumbnail);
        let (transaction, _) = column(|t| t.transaction);
        println!(
            "result -> committed row, 1024x1024 PNG (median of {}): {total:.1} ms (p90 {total90:.1}); verify (decode) {verify:.1}, write original {original:.1}, thumbnail {thumbnail:.1}, transaction {transaction:.2}",
            timings.len()
        );
        println!(
            "queue throughput, 1024x1024, instant engine: {:.1} jobs/s ({} jobs in {:.2} s)",
            timings.len() as f64 / elapsed.as_secs_f64(),
            timings.len(),
            elapsed.as_secs_f64()
        );
        let (small, elapsed) = run(Resolution::R512, 100).await;
        println!(
            "queue throughput, 512x512, instant engine: {:.1} jobs/s ({} jobs in {:.2} s)",
            small.len() as f64 / elapsed.as_secs_f64(),
            small.len(),
            elapsed.as_secs_f64()
        );
    });
}
