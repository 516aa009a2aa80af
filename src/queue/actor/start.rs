//! Starting jobs: one at a time on the local engine, and up to `remote_slots` at once on
//! each hosted provider, so a hosted batch never waits behind a local job (or the reverse).

use super::{Actor, Command, Running};
use crate::db::generations::{self, Generation};
use crate::db::queue::QueueJob;
use crate::db::types::JobStatus;
use crate::db::{queue, transaction};
use crate::engine::EngineStatus;
use crate::generation::Provider;
use crate::queue::remote_job::run_remote_job;
use crate::queue::run::run_job;
use crate::queue::{JobUpdate, QueueError};
use std::time::Instant;
use tokio::sync::watch;

impl Actor {
    pub(super) async fn start_next(&mut self) -> Result<(), QueueError> {
        if !self.owner || self.stopping.is_some() || self.paused {
            return Ok(());
        }
        for provider in [Provider::Fal, Provider::Replicate] {
            while self.running_on(provider) < self.ctx.remote_slots {
                let Some((job, generation)) = self.claim_next(provider).await? else {
                    break;
                };
                self.start(job, generation, provider);
            }
        }
        self.start_local().await
    }

    fn running_on(&self, provider: Provider) -> usize {
        self.running.iter().filter(|r| r.provider == provider).count()
    }

    async fn start_local(&mut self) -> Result<(), QueueError> {
        if self.running_on(Provider::Local) > 0 {
            return Ok(());
        }
        // A job starts only on an engine with a model loaded. One sent while the engine
        // starts, restarts or loads would be answered NO_MODEL and fail for nothing; the
        // status watch wakes this loop when the model is in.
        let (engine_ready, unloaded) = {
            let status = self.engine_status.borrow();
            (status.is_ready(), matches!(*status, EngineStatus::Unloaded { .. }))
        };
        if unloaded {
            // The user unloaded the model to free memory: a waiting job loads it again.
            let local = Provider::Local.as_str();
            if self
                .ctx
                .db
                .call(move |conn| queue::next_pending_for(conn, local))
                .await?
                .is_some()
            {
                self.ctx.engine.reload().await;
            }
            return Ok(());
        }
        if !engine_ready {
            return Ok(());
        }
        if let Some((job, generation)) = self.claim_next(Provider::Local).await? {
            self.start(job, generation, Provider::Local);
        }
        Ok(())
    }

    /// Marks the provider's next waiting job processing and returns it.
    async fn claim_next(&self, provider: Provider) -> Result<Option<(QueueJob, Generation)>, QueueError> {
        let name = provider.as_str();
        Ok(self
            .ctx
            .db
            .call(move |conn| {
                transaction::write(conn, |conn| {
                    let Some(job) = queue::next_pending_for(conn, name)? else {
                        return Ok(None);
                    };
                    if !queue::mark_processing(conn, &job.id)? {
                        return Ok(None);
                    }
                    let generation = generations::get(conn, &job.generation_id)?;
                    let job = queue::get(conn, &job.id)?;
                    Ok(job.zip(generation))
                })
            })
            .await?)
    }

    fn start(&mut self, job: QueueJob, generation: Generation, provider: Provider) {
        self.publish(JobUpdate::new(job.id.clone(), JobStatus::Processing));
        let ctx = self.ctx.clone();
        let own = self.own.clone();
        let id = job.id.clone();
        let (cancel, cancelled) = watch::channel(false);
        let task = tokio::spawn(async move {
            let started = Instant::now();
            let id = job.id.clone();
            let outcome = if provider.is_remote() {
                run_remote_job(ctx, job, generation, cancelled).await
            } else {
                run_job(ctx, job, generation).await
            };
            if let Some(queue) = own.upgrade() {
                let _ = queue
                    .send(Command::Finished {
                        job: id,
                        outcome,
                        started,
                    })
                    .await;
            }
        });
        self.running.push(Running {
            job: id,
            provider,
            task,
            cancel: provider.is_remote().then_some(cancel),
        });
    }
}
