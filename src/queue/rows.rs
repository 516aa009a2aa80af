//! Following jobs through their rows: how a process learns what happened to jobs that
//! another process runs (a CLI waiting on the window's queue, the window showing a CLI's
//! jobs). The queue's own updates say more (phase, step); rows say what every process can
//! know: waiting, running, and how each job ended.

use super::JobUpdate;
use crate::db::queue::{self, QueueJob};
use crate::db::types::{JobId, JobStatus, Timestamp};
use crate::db::{Database, DbError, media};
use crate::library::LibraryRoot;
use std::collections::HashMap;
use std::time::Duration;

/// The last status seen of each job being followed.
#[derive(Debug, Default)]
pub struct RowWatch {
    known: HashMap<JobId, JobStatus>,
    /// Follow every waiting or running job, not only the ones named.
    every_active_job: bool,
}

impl RowWatch {
    /// Follows exactly these jobs (a CLI waiting for what it submitted).
    pub fn jobs(ids: &[JobId]) -> Self {
        Self {
            known: ids.iter().map(|id| (id.clone(), JobStatus::Pending)).collect(),
            every_active_job: false,
        }
    }

    /// Follows every job that is waiting or running, as the queue does.
    pub fn every_active_job() -> Self {
        Self {
            known: HashMap::new(),
            every_active_job: true,
        }
    }

    /// Notes a status this process has already published, so it is not reported again.
    pub fn saw(&mut self, job: &JobId, status: JobStatus) {
        if self.every_active_job || self.known.contains_key(job) {
            self.known.insert(job.clone(), status);
        }
    }

    /// Reads the rows and returns an update for each job whose status changed since the last
    /// look. A job that ended is reported once and then no longer followed.
    pub async fn changes(&mut self, db: &Database, library: &LibraryRoot) -> Result<Vec<JobUpdate>, DbError> {
        let followed: Vec<JobId> = self.known.keys().cloned().collect();
        let every = self.every_active_job;
        let rows = db
            .call(move |conn| {
                let mut rows = queue::get_many(conn, &followed)?;
                if every {
                    let known: std::collections::HashSet<JobId> = rows.iter().map(|r| r.id.clone()).collect();
                    rows.extend(queue::active(conn)?.into_iter().filter(|r| !known.contains(&r.id)));
                }
                let mut with_media = Vec::with_capacity(rows.len());
                for row in rows {
                    let item = if row.status == JobStatus::Completed {
                        media::for_generation(conn, &row.generation_id)?.into_iter().next()
                    } else {
                        None
                    };
                    with_media.push((row, item));
                }
                Ok(with_media)
            })
            .await?;
        let mut updates = Vec::new();
        // A followed job whose row is gone (removed by hand) will never end: report it.
        let present: std::collections::HashSet<&JobId> = rows.iter().map(|(row, _)| &row.id).collect();
        let vanished: Vec<JobId> = self.known.keys().filter(|id| !present.contains(id)).cloned().collect();
        for id in vanished {
            self.known.remove(&id);
            let mut update = JobUpdate::new(id, JobStatus::Failed);
            update.error = Some("the job was removed from the queue".to_owned());
            updates.push(update);
        }
        for (row, item) in rows {
            let before = self.known.get(&row.id).copied();
            if before == Some(row.status) {
                continue;
            }
            if before.is_none() && !self.every_active_job {
                continue;
            }
            let mut update = JobUpdate::new(row.id.clone(), row.status);
            update.error = row.error_message.clone();
            update.elapsed = elapsed(&row);
            update.media = item.and_then(|item| Some((item.id.clone(), library.resolve(&item.file_path).ok()?)));
            if is_final(row.status) {
                self.known.remove(&row.id);
            } else {
                self.known.insert(row.id.clone(), row.status);
            }
            updates.push(update);
        }
        Ok(updates)
    }
}

fn is_final(status: JobStatus) -> bool {
    matches!(status, JobStatus::Completed | JobStatus::Failed | JobStatus::Cancelled)
}

/// How long the job ran, from its row's start and end times.
fn elapsed(row: &QueueJob) -> Duration {
    let at = |text: &Option<String>| text.as_ref().and_then(|t| Timestamp::from_db(t.clone()).to_datetime());
    match (at(&row.started_at), at(&row.completed_at)) {
        (Some(start), Some(end)) => (end - start).try_into().unwrap_or_default(),
        _ => Duration::ZERO,
    }
}
