//! The import service: every way images enter the library from outside (the picker, a drop
//! from the file manager, `distillery import`) goes through [`import`]. Files are imported
//! on several threads (decode, thumbnail and copy in parallel; the database serialises the
//! rows), each with its own outcome; nothing stops the batch but a cancel.

pub mod metadata;
mod one;
mod plausible;
mod walk;
mod xmp_in;

pub use one::{FileOutcome, FileTimings, MAX_FILE_BYTES, import_file};
pub use walk::{IMAGE_EXTENSIONS, Unusable, expand, has_image_extension};

use crate::db::Database;
use crate::db::types::MediaId;
use crate::library::LibraryRoot;
use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

/// How an import runs.
#[derive(Debug, Clone, Copy)]
pub struct ImportOptions {
    /// Files imported at once (decode, resize and encode are CPU-bound).
    pub threads: usize,
}

impl Default for ImportOptions {
    fn default() -> Self {
        Self {
            threads: std::thread::available_parallelism().map_or(2, |n| n.get()).clamp(1, 4),
        }
    }
}

/// Progress, as each file ends (from the worker threads).
#[derive(Debug, Clone)]
pub struct Progress {
    pub done: usize,
    pub total: usize,
    pub path: PathBuf,
    pub outcome: FileOutcome,
}

/// What an import did.
#[derive(Debug, Clone, Default)]
pub struct ImportReport {
    pub imported: Vec<(PathBuf, MediaId)>,
    pub already_in_library: Vec<(PathBuf, MediaId)>,
    /// Files and picked paths that could not be imported, with the reason.
    pub failed: Vec<(PathBuf, String)>,
    /// Picked paths that are not image files (named explicitly).
    pub skipped: Vec<(PathBuf, String)>,
    /// The picked paths that never became files to import (also in `failed` or `skipped`):
    /// the problems no file's progress reported.
    pub unusable: Vec<(PathBuf, String)>,
    /// Files not started because the import was cancelled.
    pub not_started: usize,
    /// Imported files with something to say (an XMP sidecar that could not be read).
    pub notes: Vec<(PathBuf, String)>,
    pub timings: FileTimings,
}

impl ImportReport {
    /// "1,240 imported, 12 already in library, 3 failed".
    pub fn summary(&self) -> String {
        use crate::i18n::tr_n;
        let count = |n: usize| crate::format::grouped(n as i64);
        let mut parts = vec![tr_n(
            "{n} imported",
            "{n} imported",
            self.imported.len() as u64,
            &count(self.imported.len()),
        )];
        if !self.already_in_library.is_empty() {
            parts.push(tr_n(
                "{n} already in library",
                "{n} already in library",
                self.already_in_library.len() as u64,
                &count(self.already_in_library.len()),
            ));
        }
        if !self.failed.is_empty() {
            parts.push(tr_n(
                "{n} failed",
                "{n} failed",
                self.failed.len() as u64,
                &count(self.failed.len()),
            ));
        }
        if !self.skipped.is_empty() {
            parts.push(tr_n(
                "{n} skipped",
                "{n} skipped",
                self.skipped.len() as u64,
                &count(self.skipped.len()),
            ));
        }
        if self.not_started > 0 {
            parts.push(tr_n(
                "{n} not imported (cancelled)",
                "{n} not imported (cancelled)",
                self.not_started as u64,
                &count(self.not_started),
            ));
        }
        parts.join(", ")
    }

    /// One line per problem: "path: reason" (and per note on a file that came in).
    pub fn details(&self) -> Vec<String> {
        self.failed
            .iter()
            .chain(&self.skipped)
            .chain(&self.notes)
            .map(|(path, reason)| format!("{}: {reason}", path.display()))
            .collect()
    }

    pub fn has_failures(&self) -> bool {
        !self.failed.is_empty() || !self.skipped.is_empty()
    }
}

/// [`import_file`], with a last line of defence: decoders have their own boundary, so a
/// panic here is a bug of ours, and it still must not end the other files' import.
fn import_in_worker(
    db: &Database,
    library: &LibraryRoot,
    path: &std::path::Path,
    timings: &mut FileTimings,
) -> FileOutcome {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| import_file(db, library, path, timings))).unwrap_or_else(
        |_| {
            tracing::error!(path = %path.display(), "importing a file failed with an internal error");
            FileOutcome::Failed(crate::i18n::tr(
                "could not be imported because of an internal error (the log has the details)",
            ))
        },
    )
}

/// Imports `picked` (files and folders) into the library. `on_progress` is called from the
/// worker threads as each file ends; setting `cancel` stops before the next file (files
/// already started finish, so the library stays consistent).
pub fn import(
    db: &Database,
    library: &LibraryRoot,
    picked: &[PathBuf],
    options: ImportOptions,
    cancel: &AtomicBool,
    on_progress: &(dyn Fn(&Progress) + Sync),
) -> ImportReport {
    let expanded = expand(picked);
    let mut report = ImportReport::default();
    for unusable in expanded.unusable {
        let entry = (unusable.path, unusable.reason);
        report.unusable.push(entry.clone());
        if unusable.skipped {
            report.skipped.push(entry);
        } else {
            report.failed.push(entry);
        }
    }
    let files = expanded.files;
    let total = files.len();
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<(FileOutcome, FileTimings)>>> = Mutex::new(vec![None; total]);
    std::thread::scope(|scope| {
        for _ in 0..options.threads.max(1).min(total.max(1)) {
            scope.spawn(|| {
                loop {
                    if cancel.load(Ordering::Relaxed) {
                        return;
                    }
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    let Some(path) = files.get(index) else { return };
                    let mut timings = FileTimings::default();
                    let outcome = import_in_worker(db, library, path, &mut timings);
                    let done = done.fetch_add(1, Ordering::Relaxed) + 1;
                    on_progress(&Progress {
                        done,
                        total,
                        path: path.clone(),
                        outcome: outcome.clone(),
                    });
                    if let Ok(mut results) = results.lock() {
                        results[index] = Some((outcome, timings));
                    }
                }
            });
        }
    });
    let results = results.into_inner().unwrap_or_default();
    for (path, result) in files.into_iter().zip(results) {
        match result {
            Some((outcome, timings)) => {
                report.timings += timings;
                match outcome {
                    FileOutcome::Imported { media_id, notes, .. } => {
                        report.notes.extend(notes.into_iter().map(|note| (path.clone(), note)));
                        report.imported.push((path, media_id));
                    }
                    FileOutcome::AlreadyInLibrary(id) => report.already_in_library.push((path, id)),
                    FileOutcome::Failed(reason) => report.failed.push((path, reason)),
                }
            }
            None => report.not_started += 1,
        }
    }
    report
}
