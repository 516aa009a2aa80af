//! `distillery import PATH...`: the import service from the command line. Each imported
//! image is printed to stdout ("MEDIA_ID<TAB>PATH" of its stored original); progress, the
//! summary and every problem go to stderr.

use super::AppContext;
use crate::cli::{GlobalOptions, ImportArgs};
use crate::import::{FileOutcome, ImportOptions, import};
use std::io::Write;
use std::sync::Mutex;
use std::sync::atomic::AtomicBool;

pub fn run(global: &GlobalOptions, args: &ImportArgs) -> anyhow::Result<()> {
    AppContext::run_with(global, |ctx| import_paths(ctx, args))
}

fn import_paths(ctx: &AppContext, args: &ImportArgs) -> anyhow::Result<()> {
    ctx.require_writable()?;
    let mut options = ImportOptions::default();
    if let Some(threads) = args.threads {
        options.threads = threads as usize;
    }
    // Ctrl+C (or SIGTERM) stops at the next file; what was imported stays.
    let cancel = std::sync::Arc::new(AtomicBool::new(false));
    let stopper = cancel.clone();
    super::shutdown::on_stop_signal_outside_runtime(move || stopper.store(true, std::sync::atomic::Ordering::SeqCst));
    let stdout = Mutex::new(std::io::stdout());
    let report = import(
        &ctx.db,
        &ctx.library,
        &args.paths,
        options,
        cancel.as_ref(),
        &|progress| {
            match &progress.outcome {
                FileOutcome::Imported {
                    media_id,
                    stored,
                    notes,
                } => {
                    if let Ok(mut out) = stdout.lock() {
                        let _ = writeln!(out, "{media_id}\t{}", stored.display());
                    }
                    for note in notes {
                        eprintln!("{}: imported, but {note}", progress.path.display());
                    }
                }
                FileOutcome::AlreadyInLibrary(_) => {
                    eprintln!("{}: already in library", progress.path.display());
                }
                FileOutcome::Failed(reason) => eprintln!("{}: {reason}", progress.path.display()),
            }
            if progress.done % 100 == 0 || progress.done == progress.total {
                eprintln!("{} of {} files", progress.done, progress.total);
            }
        },
    );
    // Files that failed were reported as they ended; these never became files to import.
    for (path, reason) in &report.unusable {
        eprintln!("{}: {reason}", path.display());
    }
    ctx.db.flush_blocking()?;
    eprintln!("{}.", report.summary());
    if report.has_failures() {
        anyhow::bail!(
            "{} could not be imported",
            plural(report.failed.len() + report.skipped.len())
        );
    }
    Ok(())
}

fn plural(n: usize) -> String {
    if n == 1 { "1 file".into() } else { format!("{n} files") }
}
