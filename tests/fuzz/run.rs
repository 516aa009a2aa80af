//! Runs fuzz cases through the real import path: each mutated file is written to disk and
//! imported into a real library (SQLite, originals, thumbnails) with `import_file`, the
//! function every import runs per file. A case passes when it ends imported with a readable
//! thumbnail, as a duplicate, or refused with a reason, and fails when a panic escapes.

use super::mutate::{Rng, case_seed, mutate};
use distillery::db::Database;
use distillery::import::{FileOutcome, FileTimings, import_file};
use distillery::library::LibraryRoot;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// A valid file to mutate.
pub struct Seed {
    pub name: String,
    pub extension: String,
    pub bytes: Vec<u8>,
}

/// The committed seeds (tests/fixtures/fuzz-seeds, made by scripts/make-fuzz-seeds).
pub fn seeds() -> Vec<Seed> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fuzz-seeds");
    let mut seeds: Vec<Seed> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.is_file())
        .map(|path| Seed {
            name: path.file_name().unwrap().to_string_lossy().into_owned(),
            extension: path
                .extension()
                .map(|e| e.to_string_lossy().into_owned())
                .unwrap_or_default(),
            bytes: std::fs::read(&path).unwrap(),
        })
        .collect();
    seeds.sort_by(|a, b| a.name.cmp(&b.name));
    assert!(seeds.len() >= 10, "the fuzz seeds are missing from {}", dir.display());
    seeds
}

/// What the run found.
#[derive(Default)]
pub struct Findings {
    pub cases: usize,
    pub imported: usize,
    pub duplicates: usize,
    /// Reasons given, with how many cases got each (the text before any parenthesis).
    pub reasons: BTreeMap<String, usize>,
    /// One full reason and its case per short reason, to look into.
    pub examples: BTreeMap<String, String>,
    /// Cases that broke a promise: the seed to replay and what went wrong.
    pub failures: Vec<String>,
    pub slowest: Duration,
    pub slowest_case: String,
    pub elapsed: Duration,
}

/// Runs `cases` cases from `master` on `threads` threads. A case still running after
/// `hang_after` is reported as a hang (and the run stops waiting for it).
pub fn run(
    db: &Database,
    library: &LibraryRoot,
    work: &Path,
    master: u64,
    cases: usize,
    threads: usize,
    hang_after: Duration,
) -> Findings {
    let seeds = seeds();
    let next = AtomicUsize::new(0);
    let findings = Mutex::new(Findings::default());
    let started = Instant::now();
    // Per thread: the case running and since when (ms after start; 0 = idle).
    let running: Vec<(AtomicU64, AtomicU64)> = (0..threads).map(|_| (AtomicU64::new(0), AtomicU64::new(0))).collect();
    std::thread::scope(|scope| {
        for (worker, slot) in running.iter().enumerate() {
            let (seeds, next, findings) = (&seeds, &next, &findings);
            std::thread::Builder::new()
                .name(format!("fuzz-{worker}"))
                .spawn_scoped(scope, move || {
                    loop {
                        let index = next.fetch_add(1, Ordering::Relaxed);
                        if index >= cases {
                            slot.1.store(0, Ordering::SeqCst);
                            return;
                        }
                        let seed_value = case_seed(master, index as u64);
                        slot.0.store(seed_value, Ordering::SeqCst);
                        slot.1.store(started.elapsed().as_millis() as u64 + 1, Ordering::SeqCst);
                        let seed = &seeds[index % seeds.len()];
                        let case_started = Instant::now();
                        let verdict = run_case(db, library, work, seed, seed_value);
                        let took = case_started.elapsed();
                        let mut findings = findings.lock().unwrap();
                        findings.cases += 1;
                        if took > findings.slowest {
                            findings.slowest = took;
                            findings.slowest_case = format!("{} case {seed_value:#018x}", seed.name);
                        }
                        match verdict {
                            Verdict::Imported => findings.imported += 1,
                            Verdict::Duplicate => findings.duplicates += 1,
                            Verdict::Refused(reason) => {
                                let short = reason.split(" (").next().unwrap_or(&reason).to_owned();
                                *findings.reasons.entry(short.clone()).or_default() += 1;
                                findings
                                    .examples
                                    .entry(short)
                                    .or_insert_with(|| format!("{reason} [{} case {seed_value:#x}]", seed.name));
                            }
                            Verdict::Broken(what) => findings.failures.push(format!(
                                "{}: case seed {seed_value:#018x} (replay with DISTILLERY_FUZZ_REPLAY={seed_value:#x} \
                                 DISTILLERY_FUZZ_SEED_FILE={}): {what}",
                                seed.name, seed.name
                            )),
                        }
                    }
                })
                .expect("a fuzz thread starts");
        }
        // The watchdog: a case that never ends is a failure, not a stuck CI job.
        loop {
            std::thread::sleep(Duration::from_millis(50));
            let now = started.elapsed().as_millis() as u64 + 1;
            let idle = running.iter().all(|slot| slot.1.load(Ordering::SeqCst) == 0);
            if idle && next.load(Ordering::Relaxed) >= cases {
                break;
            }
            for slot in &running {
                let since = slot.1.load(Ordering::SeqCst);
                if since != 0 && now.saturating_sub(since) > hang_after.as_millis() as u64 {
                    panic!(
                        "a fuzz case has run for over {} s: case seed {:#018x}",
                        hang_after.as_secs(),
                        slot.0.load(Ordering::SeqCst)
                    );
                }
            }
        }
    });
    let mut findings = findings.into_inner().unwrap();
    findings.elapsed = started.elapsed();
    findings
}

pub enum Verdict {
    Imported,
    Duplicate,
    Refused(String),
    Broken(String),
}

/// One case: mutate, write, import, check what the import says against the library.
pub fn run_case(db: &Database, library: &LibraryRoot, work: &Path, seed: &Seed, case: u64) -> Verdict {
    let (bytes, applied) = mutate(&seed.bytes, &mut Rng::new(case));
    let path: PathBuf = work.join(format!("case-{case:016x}.{}", seed.extension));
    std::fs::write(&path, &bytes).unwrap();
    let mut timings = FileTimings::default();
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        import_file(db, library, &path, &mut timings)
    }));
    let _ = std::fs::remove_file(&path);
    match outcome {
        Err(_) => Verdict::Broken(format!("a panic escaped the import ({})", applied.join(", "))),
        Ok(FileOutcome::AlreadyInLibrary(_)) => Verdict::Duplicate,
        Ok(FileOutcome::Failed(reason)) if reason.trim().is_empty() => {
            Verdict::Broken("refused without a reason".into())
        }
        Ok(FileOutcome::Failed(reason)) => Verdict::Refused(reason),
        Ok(FileOutcome::Imported { media_id, stored, .. }) => {
            let thumbnail = library
                .resolve(&distillery::library::store::thumbnail_path(&media_id))
                .ok()
                .and_then(|at| std::fs::read(at).ok());
            match thumbnail.map(|jpeg| image::load_from_memory(&jpeg)) {
                Some(Ok(decoded)) if decoded.width() == 400 && stored.is_file() => Verdict::Imported,
                Some(Ok(_)) => Verdict::Broken("imported with a thumbnail of the wrong size".into()),
                _ => Verdict::Broken("imported without a readable thumbnail".into()),
            }
        }
    }
}

/// The peak resident memory of this process so far (VmHWM), in bytes.
pub fn peak_rss() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|line| line.starts_with("VmHWM:"))
        .and_then(|line| line.split_whitespace().nth(1))
        .and_then(|kib| kib.parse::<u64>().ok())
        .map_or(0, |kib| kib * 1024)
}

impl Findings {
    /// The run as lines for the test log or the benchmark's output.
    pub fn report(&self) -> String {
        let mut lines = vec![format!(
            "{} cases in {:.1} s ({:.0} cases/s): {} imported, {} duplicates, {} refused; slowest {} ms ({})",
            self.cases,
            self.elapsed.as_secs_f64(),
            self.cases as f64 / self.elapsed.as_secs_f64().max(1e-9),
            self.imported,
            self.duplicates,
            self.reasons.values().sum::<usize>(),
            self.slowest.as_millis(),
            self.slowest_case,
        )];
        let mut reasons: Vec<_> = self.reasons.iter().collect();
        reasons.sort_by(|a, b| b.1.cmp(a.1));
        lines.extend(reasons.iter().take(16).map(|(reason, n)| {
            let example = self.examples.get(*reason).map(String::as_str).unwrap_or_default();
            format!("  {n:>6}  {reason}\n          e.g. {example}")
        }));
        lines.join("\n")
    }
}
