//! The chaos soak: rounds of two or three `distillery` processes at once on one library
//! (generates, an import, a cancel from elsewhere, a check), random SIGKILLs, random faults of
//! the simulated engine. Afterwards no process is still waiting, every job ended exactly
//! once, media rows equal completed jobs and `distillery check` passes.
//!
//! `cargo test --test processes soak::` runs a few rounds; `scripts/soak ROUNDS` runs as many as asked
//! (`DISTILLERY_SOAK_ROUNDS`; `DISTILLERY_SOAK_SEED` repeats a run).

use crate::common;

use common::TempApp;
use common::processes::{Running, count_rows, distillery, finish, signal, spawn};
use std::time::{Duration, Instant};

/// No process may take longer than this; one that does is a hang.
const PROCESS_LIMIT: Duration = Duration::from_secs(120);

/// A small deterministic generator (xorshift64*), so a failing run can be repeated.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

const FAULTS: [&str; 5] = [
    "crash_gen",
    "error_gen",
    "truncated_png",
    "missing_output",
    "malformed_line",
];

/// What one process of a round does.
enum Act {
    Generate { count: u64, fault: Option<&'static str> },
    Import,
    CancelSomething,
    Check,
}

fn pick(dice: &mut Dice) -> Act {
    match dice.below(10) {
        0..=5 => Act::Generate {
            count: 1 + dice.below(3),
            fault: dice
                .chance(30)
                .then(|| FAULTS[dice.below(FAULTS.len() as u64) as usize]),
        },
        6 => Act::Import,
        7 | 8 => Act::CancelSomething,
        _ => Act::Check,
    }
}

fn start(app: &TempApp, act: &Act, round: usize, sources: &std::path::Path) -> Option<Running> {
    let slow = ("CN_SIM_STEP_MS", "30");
    match act {
        Act::Generate { count, fault } => {
            let count = count.to_string();
            let prompt = format!("soak round {round}");
            let mut env = vec![slow];
            if let Some(fault) = fault {
                env.extend([("CN_SIM_FAULT", *fault), ("CN_SIM_FAULT_NTH", "1")]);
            }
            Some(spawn(distillery(
                app,
                &["generate", "--prompt", &prompt, "--count", &count],
                &env,
            )))
        }
        Act::Import => Some(spawn(distillery(app, &["import", &sources.display().to_string()], &[]))),
        Act::CancelSomething => {
            let listing = distillery(app, &["queue"], &[]).output().ok()?;
            let text = String::from_utf8_lossy(&listing.stdout).into_owned();
            let job = text
                .lines()
                .find(|line| matches!(line.split('\t').nth(1), Some("pending" | "processing")))?
                .split('\t')
                .next()?
                .to_owned();
            Some(spawn(distillery(app, &["queue", "cancel", &job], &[])))
        }
        Act::Check => Some(spawn(distillery(app, &["check"], &[]))),
    }
}

fn write_sources(dir: &std::path::Path, round: usize) {
    std::fs::create_dir_all(dir).unwrap();
    for n in 0..2u32 {
        let picture = image::RgbImage::from_fn(64, 48, |x, y| {
            image::Rgb([(x * 4) as u8, (y * 5) as u8, (round as u32 * 31 + n * 97) as u8])
        });
        picture.save(dir.join(format!("r{round}-{n}.png"))).unwrap();
    }
}

#[test]
fn chaos_soak_loses_nothing_duplicates_nothing_and_hangs_nowhere() {
    let rounds: usize = std::env::var("DISTILLERY_SOAK_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3);
    let seed: u64 = std::env::var("DISTILLERY_SOAK_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
                | 1
        });
    eprintln!("soak: {rounds} rounds, DISTILLERY_SOAK_SEED={seed}");
    let mut dice = Dice(seed);
    let app = TempApp::new();
    let started = Instant::now();
    let (mut killed, mut processes) = (0, 0);
    for round in 0..rounds {
        let sources = app.dir.path().join("sources").join(round.to_string());
        write_sources(&sources, round);
        let acts: Vec<Act> = (0..2 + dice.below(2)).map(|_| pick(&mut dice)).collect();
        let mut running: Vec<Running> = Vec::new();
        let mut generates = Vec::new();
        for act in &acts {
            if let Some(process) = start(&app, act, round, &sources) {
                if matches!(act, Act::Generate { .. }) {
                    generates.push(running.len());
                }
                running.push(process);
            }
            std::thread::sleep(Duration::from_millis(dice.below(150)));
        }
        processes += running.len();
        if !running.is_empty() && dice.chance(40) {
            std::thread::sleep(Duration::from_millis(dice.below(1500)));
            // Mostly a generate, the longest-running kind; else any process of the round.
            let victim = if !generates.is_empty() && dice.chance(70) {
                generates[dice.below(generates.len() as u64) as usize]
            } else {
                dice.below(running.len() as u64) as usize
            };
            signal(running[victim].pid(), "KILL");
            killed += 1;
        }
        for (n, process) in running.into_iter().enumerate() {
            let output = finish(process, PROCESS_LIMIT, &format!("round {round}, process {n}"));
            let text = String::from_utf8_lossy(&output.stderr);
            assert!(
                output.status.code() != Some(101),
                "round {round}: a process panicked (seed {seed}): {text}"
            );
            assert!(
                !text.contains("database is locked"),
                "round {round}: a write failed instead of waiting (seed {seed}): {text}"
            );
        }
    }
    // Whatever killed processes left waiting runs now, in an owner that recovers first.
    let last = finish(
        spawn(distillery(&app, &["generate", "--prompt", "soak done"], &[])),
        PROCESS_LIMIT,
        "the final generate",
    );
    let text = String::from_utf8_lossy(&last.stderr);
    assert_eq!(last.status.code(), Some(0), "the final generate (seed {seed}): {text}");

    let db = app.db_path();
    let unfinished = count_rows(
        &db,
        "SELECT count(*) FROM queue WHERE status IN ('pending', 'processing')",
    );
    let completed = count_rows(&db, "SELECT count(*) FROM queue WHERE status = 'completed'");
    let generated = count_rows(&db, "SELECT count(*) FROM media WHERE origin = 'generation'");
    let twice = count_rows(
        &db,
        "SELECT count(*) FROM (SELECT generation_id FROM media WHERE generation_id IS NOT NULL GROUP BY generation_id HAVING count(*) > 1)",
    );
    let check = distillery(&app, &["check"], &[]).output().unwrap();
    eprintln!(
        "soak: {rounds} rounds, {processes} processes, {killed} killed, {completed} images made, {unfinished} jobs unfinished, {twice} stored twice, {:.1} s",
        started.elapsed().as_secs_f64()
    );
    assert_eq!(unfinished, 0, "every job ended (seed {seed})");
    assert_eq!(generated, completed, "media rows = completed jobs (seed {seed})");
    assert_eq!(twice, 0, "no image stored twice (seed {seed})");
    assert_eq!(
        check.status.code(),
        Some(0),
        "the library checks whole (seed {seed}): {}{}",
        String::from_utf8_lossy(&check.stdout),
        String::from_utf8_lossy(&check.stderr)
    );
}
