//! Hosted-provider numbers, over the real queue against the fake fal server on 127.0.0.1
//! (the one the tests use), with the simulated engine loaded but idle:
//! - the overhead of one remote job, Generate → image committed, with a provider that has
//!   the image at once (median and p90 of one job at a time); the first status poll comes
//!   100 ms after the submit by design, and is shown apart;
//! - 50 jobs at 4 at once against a provider that takes 2 s per image: wall time (the floor
//!   is ⌈50 / 4⌉ × 2 s = 26 s);
//! - the CPU this process spends while 4 jobs wait on a slow provider, against the same
//!   process idle, both over 10 s read from /proc/self/stat, and the status calls made.
//!
//! Run with `cargo bench --bench remote`.

mod common;
#[path = "../tests/common/fake_provider.rs"]
mod fake_provider;

use common::{median, ms, options, percentile};
use distillery::app::AppContext;
use distillery::db::types::{JobId, JobStatus};
use distillery::generation::{GenerationRequest, Provider, Resolution};
use distillery::queue::JobUpdate;
use fake_provider::{FakeProvider, Route};
use std::collections::HashSet;
use std::time::{Duration, Instant};
use tokio::sync::broadcast::{self, error::RecvError};

const KEY: &str = "bench-key:secret";
const ROUNDS: usize = 30;
const BATCH: u32 = 50;
const SLOW_PROVIDER: Duration = Duration::from_secs(2);
const IDLE_WINDOW: Duration = Duration::from_secs(10);

fn request(prompt: &str, count: u32) -> GenerationRequest {
    let mut request = GenerationRequest::new(prompt);
    request.resolution = Resolution::R512;
    request.count = count;
    request.provider = Provider::Fal;
    request
}

/// Waits until every job in `jobs` has ended; panics if one did not complete.
async fn wait_completed(ctx: &AppContext, updates: &mut broadcast::Receiver<JobUpdate>, jobs: &[JobId]) {
    let mut left: HashSet<JobId> = jobs.iter().cloned().collect();
    while !left.is_empty() {
        match tokio::time::timeout(Duration::from_secs(120), updates.recv()).await {
            Ok(Ok(update)) if update.is_final() && left.contains(&update.job_id) => {
                assert_eq!(update.status, JobStatus::Completed, "{:?}", update.error);
                left.remove(&update.job_id);
            }
            Ok(Ok(_)) => {}
            // Too many progress updates at once: the database says which jobs have ended.
            Ok(Err(RecvError::Lagged(_))) => {
                let ids: Vec<JobId> = left.iter().cloned().collect();
                let rows = ctx
                    .db
                    .call(move |c| distillery::db::queue::get_many(c, &ids))
                    .await
                    .unwrap();
                let ended = [JobStatus::Completed, JobStatus::Failed, JobStatus::Cancelled];
                for row in rows.iter().filter(|row| ended.contains(&row.status)) {
                    assert_eq!(row.status, JobStatus::Completed, "{:?}", row.error_message);
                    left.remove(&row.id);
                }
            }
            other => panic!("the queue stopped or stalled: {other:?} ({} left)", left.len()),
        }
    }
}

/// User + system CPU time of this process so far (all threads).
fn cpu_time() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap();
    // Fields after the command name (which may hold spaces) start after the last ')'.
    let fields: Vec<&str> = stat[stat.rfind(')').unwrap() + 2..].split(' ').collect();
    let ticks: u64 = fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap();
    // SAFETY: sysconf has no preconditions.
    let per_second = unsafe { libc::sysconf(libc::_SC_CLK_TCK) } as u64;
    Duration::from_secs_f64(ticks as f64 / per_second as f64)
}

/// CPU used over `window`, as a percentage of one core.
fn cpu_share_over(window: Duration) -> f64 {
    let (cpu, wall) = (cpu_time(), Instant::now());
    std::thread::sleep(window);
    (cpu_time() - cpu).as_secs_f64() / wall.elapsed().as_secs_f64() * 100.0
}

fn main() {
    let fake = FakeProvider::start(KEY);
    for (name, value) in fake.env() {
        // SAFETY: the fake server's threads never read the environment, and nothing else
        // runs yet.
        unsafe { std::env::set_var(name, value) };
    }
    let dir = tempfile::tempdir().unwrap();
    let options = options(dir.path());
    let ctx = AppContext::open(&options).unwrap();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let delays = [
        ("LOAD", 0),
        ("COND", 0),
        ("ENCODE", 0),
        ("STEP", 0),
        ("DECODE", 0),
        ("SAVE", 0),
    ];
    let (engine, queue) = runtime.block_on(common::sim_queue(&ctx, dir.path(), delays));
    let mut updates = queue.subscribe();

    // 1. One job at a time, provider answers at once.
    let mut overhead = Vec::new();
    for round in 0..ROUNDS {
        let started = Instant::now();
        let jobs = runtime
            .block_on(queue.submit(request(&format!("a quiet harbour {round}"), 1)))
            .unwrap();
        runtime.block_on(wait_completed(&ctx, &mut updates, &jobs));
        overhead.push(started.elapsed());
    }
    let first_poll = Duration::from_millis(100);
    let typical = median(overhead.clone());
    println!(
        "remote job overhead, provider at 0 delay ({ROUNDS} jobs, one at a time): median {}, p90 {}; \
         of which the fixed wait before the first status poll: {}, the rest: {}",
        ms(typical),
        ms(percentile(&overhead, 0.9)),
        ms(first_poll),
        ms(typical.saturating_sub(first_poll)),
    );

    // 2. 50 jobs, 4 at once, 2 s each at the provider.
    fake.set_delay(SLOW_PROVIDER);
    let submits_before = fake.count(Route::Submit);
    let started = Instant::now();
    let jobs = runtime.block_on(queue.submit(request("fifty boats", BATCH))).unwrap();
    runtime.block_on(wait_completed(&ctx, &mut updates, &jobs));
    let wall = started.elapsed();
    let floor = SLOW_PROVIDER * BATCH.div_ceil(4);
    println!(
        "{BATCH} remote jobs at 4 at once, provider 2 s each: {:.2} s wall (floor {:.0} s); \
         {} submits, at most {} requests in flight at once",
        wall.as_secs_f64(),
        floor.as_secs_f64(),
        fake.count(Route::Submit) - submits_before,
        fake.max_active(),
    );

    // 3. Idle CPU: the process alone, then with 4 jobs polling a provider that never finishes
    // within the window.
    let idle = cpu_share_over(IDLE_WINDOW);
    fake.set_delay(Duration::from_secs(3600));
    let waiting = runtime.block_on(queue.submit(request("a very long wait", 4))).unwrap();
    // Let the poll gap grow to its slowest before measuring.
    std::thread::sleep(Duration::from_secs(6));
    let polls_before = fake.count(Route::Status);
    let polling = cpu_share_over(IDLE_WINDOW);
    let polls = fake.count(Route::Status) - polls_before;
    println!(
        "CPU over {:.0} s: {idle:.2}% of one core idle, {polling:.2}% with 4 jobs polling \
         ({polls} status calls, {:.2} per job per second)",
        IDLE_WINDOW.as_secs_f64(),
        polls as f64 / 4.0 / IDLE_WINDOW.as_secs_f64(),
    );
    for job in &waiting {
        runtime.block_on(queue.cancel(job)).unwrap();
    }
    runtime.block_on(engine.shutdown());
}
