//! The queue actor: picks the next job, runs it, and answers the handles.
//!
//! Only the library's owner runs jobs (see [`Ownership`]). In any other process the actor is
//! a client: submits, cancels and moves are rows for the owner to act on, and updates come
//! from watching the rows. A client tries to become the owner on every tick, so jobs never
//! wait for a process that has gone away.

use super::recovery::recover;
use super::rows::RowWatch;
use super::run::{JobContext, JobOutcome};
use super::submit::submit;
use super::{JobUpdate, QueueError};
use crate::db::types::{JobId, JobStatus};
use crate::db::{Ownership, changes, jobs, queue};
use crate::engine::{CancelMode, EngineStatus};
use crate::generation::GenerationRequest;
use crate::generation::Provider;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::{mpsc, oneshot, watch};

mod shutdown;
mod start;
pub use shutdown::ShutdownOutcome;
use shutdown::{Stopping, sleep_until};

/// How often the actor looks at what other processes wrote, and tries to become the owner.
const TICK: Duration = changes::POLL_EVERY;

pub(super) type Reply<T> = oneshot::Sender<Result<T, QueueError>>;

pub(super) enum Command {
    Submit {
        request: GenerationRequest,
        reply: Reply<Vec<JobId>>,
    },
    Cancel {
        job: JobId,
        reply: Reply<bool>,
    },
    Move {
        job: JobId,
        up: bool,
        reply: Reply<bool>,
    },
    Retry {
        job: JobId,
        reply: Reply<bool>,
    },
    Pause,
    Resume,
    SetModelLabel(String),
    Shutdown {
        grace: Duration,
        done: oneshot::Sender<ShutdownOutcome>,
    },
    Finished {
        job: JobId,
        outcome: JobOutcome,
        started: Instant,
    },
}

/// Starts the actor over a recovered queue (or a client's view of one) and returns its inbox.
pub(super) async fn spawn(ctx: JobContext, ownership: Arc<Ownership>, owner: bool) -> mpsc::Sender<Command> {
    let (commands, inbox) = mpsc::channel(64);
    let engine_status = ctx.engine.status();
    let mut rows = RowWatch::every_active_job();
    // What is waiting or running now is known, not news.
    let _ = rows.changes(&ctx.db, &ctx.library).await;
    let data_version = ctx.db.call(changes::data_version).await.ok();
    let actor = Actor {
        ctx,
        inbox,
        own: commands.downgrade(),
        paused: false,
        running: Vec::new(),
        engine_status,
        ownership,
        owner,
        rows,
        data_version,
        stopping: None,
    };
    tokio::spawn(actor.run());
    commands
}

/// A job this process is running.
struct Running {
    job: JobId,
    provider: Provider,
    task: tokio::task::JoinHandle<()>,
    /// A hosted job's cancel (the local engine is told through its handle instead).
    cancel: Option<watch::Sender<bool>>,
}

struct Actor {
    ctx: JobContext,
    inbox: mpsc::Receiver<Command>,
    /// For the running job's task to report back without keeping the queue alive.
    own: mpsc::WeakSender<Command>,
    paused: bool,
    /// At most one local job, and up to `remote_slots` per hosted provider.
    running: Vec<Running>,
    /// Jobs wait until the engine has a model loaded, instead of failing one by one.
    engine_status: watch::Receiver<EngineStatus>,
    ownership: Arc<Ownership>,
    /// This process owns the library and has recovered it: it runs jobs.
    owner: bool,
    /// Jobs as their rows last said, to report what other processes did to them.
    rows: RowWatch,
    /// SQLite's count of other connections' commits when last looked at.
    data_version: Option<i64>,
    stopping: Option<Stopping>,
}

impl Actor {
    async fn run(mut self) {
        let mut watching_engine = true;
        let mut ticks = tokio::time::interval(TICK);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            if let Err(error) = self.start_next().await {
                // Tried again on the next tick: a job is never left waiting on an idle queue.
                tracing::error!(%error, "could not start the next job");
            }
            if self.stopping.as_ref().is_some_and(|s| s.done.is_none()) {
                break;
            }
            let deadline = self.stopping.as_ref().map(|s| s.deadline);
            tokio::select! {
                command = self.inbox.recv() => match command {
                    Some(command) => self.handle(command).await,
                    None => break,
                },
                changed = self.engine_status.changed(), if watching_engine => {
                    // The engine manager is gone: nothing more will change.
                    watching_engine = changed.is_ok();
                }
                _ = ticks.tick() => self.on_tick().await,
                () = sleep_until(deadline) => self.give_up_running_job(),
            }
        }
        tracing::debug!("generation queue stopped");
    }

    /// Becomes the owner when the library's owner has gone, and reports what other processes
    /// changed: new jobs, cancels, results.
    async fn on_tick(&mut self) {
        if !self.owner && self.stopping.is_none() && self.ownership.try_take().unwrap_or(false) {
            match recover(&self.ctx).await {
                Ok(report) => {
                    tracing::info!(?report, "took over the library's queue from a process that ended");
                    self.owner = true;
                }
                Err(error) => tracing::error!(%error, "recovering the queue failed; trying again"),
            }
        }
        let Ok(version) = self.ctx.db.call(changes::data_version).await else {
            return;
        };
        if self.data_version == Some(version) {
            return;
        }
        self.data_version = Some(version);
        // The number of hosted jobs at once is a setting another window may change.
        if let Ok(slots) = self.ctx.db.call(super::remote_slots).await {
            self.ctx.remote_slots = slots;
        }
        match self.rows.changes(&self.ctx.db, &self.ctx.library).await {
            Ok(updates) => {
                for update in updates {
                    if update.status == JobStatus::Cancelled {
                        // Cancelled from another process: stopped as a cancel from this one.
                        self.stop_running(&update.job_id).await;
                    }
                    let _ = self.ctx.updates.send(update);
                }
            }
            Err(error) => tracing::warn!(%error, "could not read the queue's rows"),
        }
    }

    fn publish(&mut self, update: JobUpdate) {
        self.rows.saw(&update.job_id, update.status);
        let _ = self.ctx.updates.send(update);
    }

    async fn handle(&mut self, command: Command) {
        match command {
            Command::Submit { request, reply } => {
                let model = Some(self.ctx.model_label.clone()).filter(|m| !m.is_empty());
                let result = submit(&self.ctx.db, &self.ctx.library, request, model).await;
                if let Ok(jobs) = &result {
                    for job in jobs {
                        self.publish(JobUpdate::new(job.clone(), JobStatus::Pending));
                    }
                }
                let _ = reply.send(result);
            }
            Command::Cancel { job, reply } => {
                let _ = reply.send(self.cancel(job).await);
            }
            Command::Move { job, up, reply } => {
                let _ = reply.send(
                    self.ctx
                        .db
                        .call(move |conn| queue::move_pending(conn, &job, up))
                        .await
                        .map_err(Into::into),
                );
            }
            Command::Retry { job, reply } => {
                let id = job.clone();
                let result = self
                    .ctx
                    .db
                    .call(move |conn| jobs::retry(conn, &id))
                    .await
                    .map_err(Into::into);
                if matches!(result, Ok(true)) {
                    self.publish(JobUpdate::new(job, JobStatus::Pending));
                }
                let _ = reply.send(result);
            }
            Command::Pause => self.paused = true,
            Command::Resume => self.paused = false,
            Command::SetModelLabel(label) => self.ctx.model_label = label,
            Command::Shutdown { grace, done } => {
                self.stopping = Some(Stopping {
                    deadline: tokio::time::Instant::now() + grace,
                    done: Some(done),
                });
                if self.running.is_empty() {
                    self.finish_shutdown(ShutdownOutcome::Idle);
                }
            }
            Command::Finished { job, outcome, started } => {
                let before = self.running.len();
                self.running.retain(|r| r.job != job);
                if self.running.len() < before && self.running.is_empty() && self.stopping.is_some() {
                    self.finish_shutdown(ShutdownOutcome::Idle);
                }
                let mut update = JobUpdate::new(job, JobStatus::Completed);
                update.elapsed = started.elapsed();
                match outcome {
                    JobOutcome::Completed {
                        media_id,
                        path,
                        timings,
                    } => {
                        update.media = Some((media_id, path));
                        update.timings = Some(timings);
                    }
                    JobOutcome::Failed(message) => {
                        update.status = JobStatus::Failed;
                        update.error = Some(message);
                    }
                    JobOutcome::Cancelled => update.status = JobStatus::Cancelled,
                }
                self.publish(update);
            }
        }
    }

    async fn cancel(&mut self, job: JobId) -> Result<bool, QueueError> {
        let id = job.clone();
        let pending = self.ctx.db.call(move |conn| queue::cancel_pending(conn, &id)).await?;
        if pending {
            self.publish(JobUpdate::new(job, JobStatus::Cancelled));
            return Ok(true);
        }
        let id = job.clone();
        let running = self
            .ctx
            .db
            .call(move |conn| queue::cancel_processing(conn, &id))
            .await?;
        if running {
            self.stop_running(&job).await;
            self.publish(JobUpdate::new(job, JobStatus::Cancelled));
        }
        Ok(running)
    }

    /// Stops a job this process runs whose row now says cancelled: the engine finishes and
    /// the result is discarded; a hosted job asks its provider to stop.
    async fn stop_running(&mut self, job: &JobId) {
        let Some(running) = self.running.iter().find(|r| &r.job == job) else {
            return;
        };
        match &running.cancel {
            Some(cancel) => {
                let _ = cancel.send(true);
            }
            None => self.ctx.engine.cancel(job.as_str(), CancelMode::Soft).await,
        }
    }
}
