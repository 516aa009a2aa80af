//! Many processes, one library: how long another process's work takes to reach the owner.
//!
//! - A client's submit → the owner starts the job: the owner (this process: a queue over the
//!   simulated engine, idle) and `distillery generate` run as a client process; measured from
//!   the job row's `created_at` (the client's commit) to its `started_at` (the owner's start).
//! - Another process's commit → the owner notices (`PRAGMA data_version` polled on the
//!   database thread, what refreshes the window's grid and queue): a second connection
//!   inserts an item and the time to the owner's change signal is taken.
//!
//! `cargo bench --bench many_processes`.

mod common;

use common::{median, ms, options};
use distillery::db::types::Timestamp;
use std::time::{Duration, Instant};

const SUBMITS: usize = 25;
const COMMITS: usize = 60;

fn p95(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[(samples.len() * 95).div_ceil(100).min(samples.len()) - 1]
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let ctx = distillery::app::AppContext::open(&options(dir.path())).unwrap();
    assert!(ctx.ownership.is_owner());
    let instant = common::INSTANT;
    let (engine, queue) = runtime.block_on(common::sim_queue(&ctx, dir.path(), instant));

    // A client's submit → the owner starts it.
    let mut waits = Vec::new();
    let mut client_runs = Vec::new();
    for n in 0..SUBMITS {
        let started = Instant::now();
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_distillery"))
            .arg("--data-dir")
            .arg(dir.path().join("data"))
            .arg("--library")
            .arg(dir.path().join("library"))
            .args([
                "--engine",
                "demo",
                "generate",
                "--prompt",
                &format!("from a client {n}"),
            ])
            .output()
            .unwrap();
        client_runs.push(started.elapsed());
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        let job = ctx
            .db
            .call_blocking(|c| Ok(distillery::db::queue::recent(c, 1)?.remove(0)))
            .unwrap();
        let created = job.created_at.to_datetime().unwrap();
        let begun = Timestamp::parse(job.started_at.as_deref().unwrap())
            .and_then(|t| t.to_datetime())
            .unwrap();
        waits.push((begun - created).try_into().unwrap_or_default());
    }
    println!(
        "client submit → owner starts the job ({SUBMITS} submits, owner polls every {}): median {}, p95 {}, max {}",
        ms(distillery::db::changes::POLL_EVERY),
        ms(median(waits.clone())),
        ms(p95(waits.clone())),
        ms(*waits.iter().max().unwrap())
    );
    println!(
        "client `generate` of one image, whole process: median {}",
        ms(median(client_runs))
    );

    // Another connection's commit → the owner's change signal.
    let writer = distillery::db::open_database(ctx.db.path()).unwrap();
    assert!(!writer.ownership.is_owner(), "the second connection is a client");
    let mut noticed = Vec::new();
    runtime.block_on(async {
        let mut changes = distillery::db::changes::watch_external(&ctx.db, distillery::db::changes::POLL_EVERY);
        tokio::time::sleep(Duration::from_millis(300)).await;
        changes.borrow_and_update();
        for n in 0..COMMITS {
            // Spread over the poll period, as real commits are.
            tokio::time::sleep(Duration::from_millis(37 * (n as u64 % 7))).await;
            let id = distillery::db::types::MediaId::new();
            writer
                .db
                .call(move |c| {
                    distillery::db::media::insert(
                        c,
                        &distillery::db::media::NewMedia {
                            file_path: format!("originals/bench/{id}.png"),
                            thumb_path: None,
                            file_name: format!("{n}.png"),
                            media_type: distillery::db::types::MediaType::Image,
                            origin: distillery::db::types::Origin::Import,
                            width: Some(8),
                            height: Some(8),
                            file_size: Some(100),
                            generation_id: None,
                            created_at: Timestamp::now(),
                            content_hash: None,
                            id: id.clone(),
                        },
                    )
                })
                .await
                .unwrap();
            let committed = Instant::now();
            changes.changed().await.unwrap();
            noticed.push(committed.elapsed());
        }
    });
    println!(
        "another process's commit → the owner notices ({COMMITS} commits): median {}, p95 {}, max {}",
        ms(median(noticed.clone())),
        ms(p95(noticed.clone())),
        ms(*noticed.iter().max().unwrap())
    );
    runtime.block_on(async {
        queue.shutdown(Duration::from_secs(5)).await;
        engine.shutdown().await;
    });
    ctx.close();
}
