//! Start-up recovery after the app was killed: no job lost, none stored twice, no orphan
//! files.
//!
//! - A job left `processing` whose engine result had arrived (`result.json` beside a whole
//!   image) is finished into the library now.
//! - Otherwise it is queued again once (its attempt count kept); a job that was already
//!   retried fails as "interrupted". A hosted job whose request was submitted is always
//!   queued again: its next run polls that request instead of submitting.
//! - Files listed by a `finalizing` marker with no media row are removed.
//! - Leftover engine output folders of jobs not processing are removed.

use super::run::{FinalizingMarker, JobContext, JobOutcome, ResultMarker, finalize, job_dir, output_path};
use crate::db::remote_requests::{self, RequestState};
use crate::db::types::MediaId;
use crate::db::{generations, jobs, media, queue};
use crate::library::LibraryFolder;
use crate::library::files::remove_quietly;
use std::collections::HashSet;

/// A job interrupted this many times (started and never finished) is failed.
const MAX_INTERRUPTED_ATTEMPTS: i32 = 2;

/// What recovery did, for the log and for tests.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct RecoveryReport {
    pub finished: usize,
    pub requeued: usize,
    pub failed: usize,
    pub orphan_files_removed: usize,
}

pub async fn recover(ctx: &JobContext) -> Result<RecoveryReport, super::QueueError> {
    let mut report = RecoveryReport::default();
    remove_unfinished_files(ctx, &mut report).await?;

    let stuck = ctx.db.call(queue::processing).await?;
    for job in &stuck {
        let dir = job_dir(&ctx.library, job)?;
        let marker = ResultMarker::read_in(&dir);
        let generation_id = job.generation_id.clone();
        let generation = ctx.db.call(move |conn| generations::get(conn, &generation_id)).await?;
        if let (Some(marker), Some(generation)) = (marker, generation)
            && output_path(&dir, job).exists()
        {
            match finalize(ctx, job, &generation, &marker).await {
                Ok(JobOutcome::Completed { .. }) => {
                    report.finished += 1;
                    let _ = std::fs::remove_dir_all(&dir);
                    continue;
                }
                Ok(_) => {}
                Err(message) => tracing::warn!(job = %job.id, %message, "could not finish an interrupted job"),
            }
        }
        let _ = std::fs::remove_dir_all(&dir);
        let id = job.id.clone();
        // A hosted request that was submitted is polled again, however often the app was
        // interrupted: polling is free, and submitting again would pay twice.
        let remote = ctx.db.call(move |conn| remote_requests::get(conn, &id)).await?;
        let id = job.id.clone();
        let paid = remote.is_some_and(|r| r.state == RequestState::Submitted);
        if paid || job.attempts < MAX_INTERRUPTED_ATTEMPTS {
            ctx.db.call(move |conn| queue::requeue(conn, &id)).await?;
            report.requeued += 1;
        } else {
            let message = "interrupted: Distillery was closed or crashed while this job ran, twice";
            ctx.db
                .call(move |conn| jobs::fail_pending_or_processing(conn, &id, message))
                .await?;
            report.failed += 1;
        }
    }

    // Engine output folders of jobs that are not processing any more.
    let processing: HashSet<String> = stuck.iter().map(|job| job.id.to_string()).collect();
    let outputs = ctx.library.folder(LibraryFolder::Tmp)?.join("generation-outputs");
    for entry in std::fs::read_dir(&outputs).into_iter().flatten().flatten() {
        if !processing.contains(&entry.file_name().to_string_lossy().into_owned()) {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
    if report != RecoveryReport::default() {
        tracing::info!(?report, "recovered the queue after an interrupted run");
    }
    Ok(report)
}

/// Files written for an image whose row was never committed.
async fn remove_unfinished_files(ctx: &JobContext, report: &mut RecoveryReport) -> Result<(), super::QueueError> {
    let markers = ctx.library.folder(LibraryFolder::Tmp)?.join("finalizing");
    for entry in std::fs::read_dir(&markers).into_iter().flatten().flatten() {
        let path = entry.path();
        let Some(marker) = std::fs::read(&path)
            .ok()
            .and_then(|b| serde_json::from_slice::<FinalizingMarker>(&b).ok())
        else {
            let _ = std::fs::remove_file(&path);
            continue;
        };
        if marker.writer_is_running() {
            // Another process's import in progress (or this one's): not left behind.
            continue;
        }
        let id = MediaId::from_string(marker.media_id.clone());
        let exists = ctx.db.call(move |conn| media::get(conn, &id)).await?.is_some();
        if !exists {
            let named: Vec<_> = marker
                .files
                .iter()
                .filter_map(|f| ctx.library.resolve(f).ok())
                .collect();
            // With what a killed write left half done beside them.
            let mut files = named.clone();
            files.extend(named.iter().flat_map(|f| crate::library::in_flight::partials_of(f)));
            report.orphan_files_removed += files.iter().filter(|f| f.exists()).count();
            remove_quietly(&files.iter().map(|f| f.as_path()).collect::<Vec<_>>());
        }
        let _ = std::fs::remove_file(&path);
    }
    Ok(())
}
