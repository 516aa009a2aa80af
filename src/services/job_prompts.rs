//! The queue list's words: each job's prompt and where it runs, read once per job beside the
//! queue's updates (the queue itself knows jobs by id), so the panel can show what is being
//! made, and where.

use super::catalog::{Call, Catalog};
use crate::db::queue::{self, QueueJob};
use crate::db::types::JobId;
use crate::db::{DbError, generations};
use crate::generation::Provider;
use crate::queue::JobUpdate;
use std::collections::HashSet;
use tokio::sync::{broadcast, mpsc};

/// What the list shows of a job besides its progress.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct JobWords {
    pub prompt: Option<String>,
    pub runs_on: Provider,
}

/// A queue update, with its job's words the first time the job is seen.
pub type PromptedUpdate = (JobUpdate, Option<JobWords>);

fn words_of(c: &mut diesel::SqliteConnection, job: &QueueJob) -> Result<JobWords, DbError> {
    let generation = generations::get(c, &job.generation_id)?;
    Ok(JobWords {
        runs_on: generation
            .as_ref()
            .and_then(|g| Provider::parse(&g.provider))
            .unwrap_or_default(),
        prompt: generation.and_then(|g| g.prompt),
    })
}

impl Catalog {
    /// The jobs waiting or running, with their words.
    pub fn active_jobs(&self) -> Call<Vec<(QueueJob, JobWords)>> {
        self.call(|c| {
            let jobs = queue::active(c)?;
            jobs.into_iter()
                .map(|job| Ok((job.clone(), words_of(c, &job)?)))
                .collect::<Result<Vec<_>, DbError>>()
        })
    }

    /// The words of job `id` (`None`: no such job).
    pub fn words_of_job(&self, id: JobId) -> Call<Option<JobWords>> {
        self.call(move |c| match queue::get(c, &id)? {
            Some(job) => Ok(Some(words_of(c, &job)?)),
            None => Ok(None),
        })
    }
}

/// Beside the queue (on the runtime): sends the jobs already waiting or running, then every
/// update, each with its job's prompt the first time the job is seen.
pub async fn follow(
    catalog: Catalog,
    mut updates: broadcast::Receiver<JobUpdate>,
    out: mpsc::UnboundedSender<PromptedUpdate>,
) {
    let mut seen: HashSet<JobId> = HashSet::new();
    let active = catalog.active_jobs().answer().await.unwrap_or_default();
    for (job, words) in active {
        seen.insert(job.id.clone());
        if out.send((JobUpdate::new(job.id, job.status), Some(words))).is_err() {
            return;
        }
    }
    loop {
        let update = match updates.recv().await {
            Ok(update) => update,
            Err(broadcast::error::RecvError::Lagged(_)) => continue,
            Err(broadcast::error::RecvError::Closed) => return,
        };
        let words = if seen.insert(update.job_id.clone()) {
            catalog
                .words_of_job(update.job_id.clone())
                .answer()
                .await
                .unwrap_or_default()
        } else {
            None
        };
        if out.send((update, words)).is_err() {
            return;
        }
    }
}
