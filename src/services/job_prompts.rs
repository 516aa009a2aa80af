//! The queue list's words: each job's prompt, read once per job beside the queue's updates
//! (the queue itself knows jobs by id), so the panel can show what is being made.

use super::catalog::{Call, Catalog};
use crate::db::queue::{self, QueueJob};
use crate::db::types::JobId;
use crate::db::{DbError, generations};
use crate::queue::JobUpdate;
use std::collections::HashSet;
use tokio::sync::{broadcast, mpsc};

/// A queue update, with its job's prompt the first time the job is seen.
pub type PromptedUpdate = (JobUpdate, Option<String>);

impl Catalog {
    /// The jobs waiting or running, with their prompts.
    pub fn active_jobs(&self) -> Call<Vec<(QueueJob, Option<String>)>> {
        self.call(|c| {
            let jobs = queue::active(c)?;
            jobs.into_iter()
                .map(|job| {
                    let prompt = generations::get(c, &job.generation_id)?.and_then(|g| g.prompt);
                    Ok((job, prompt))
                })
                .collect::<Result<Vec<_>, DbError>>()
        })
    }

    /// The prompt of job `id` (`None`: no such job, or no prompt).
    pub fn prompt_of_job(&self, id: JobId) -> Call<Option<String>> {
        self.call(move |c| {
            let Some(job) = queue::get(c, &id)? else {
                return Ok(None);
            };
            Ok(generations::get(c, &job.generation_id)?.and_then(|g| g.prompt))
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
    for (job, prompt) in active {
        seen.insert(job.id.clone());
        if out.send((JobUpdate::new(job.id, job.status), prompt)).is_err() {
            return;
        }
    }
    loop {
        let update = match updates.recv().await {
            Ok(update) => update,
            Err(broadcast::error::RecvError::Lagged(_)) => continue,
            Err(broadcast::error::RecvError::Closed) => return,
        };
        let prompt = if seen.insert(update.job_id.clone()) {
            catalog
                .prompt_of_job(update.job_id.clone())
                .answer()
                .await
                .unwrap_or_default()
        } else {
            None
        };
        if out.send((update, prompt)).is_err() {
            return;
        }
    }
}
