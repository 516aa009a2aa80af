//! The queue actor: picks the next job, runs it, and answers the handles.

use super::recovery::{RecoveryReport, recover};
use super::run::{JobContext, JobOutcome, run_job};
use super::submit::submit;
use super::{JobUpdate, QueueError};
use crate::db::types::{JobId, JobStatus};
use crate::db::{Database, generations, jobs, queue};
use crate::engine::{CancelMode, EngineHandle, EngineStatus};
use crate::generation::GenerationRequest;
use crate::library::LibraryRoot;
use std::time::Instant;
use tokio::sync::{broadcast, mpsc, oneshot, watch};

type Reply<T> = oneshot::Sender<Result<T, QueueError>>;

enum Command {
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
    Finished {
        job: JobId,
        outcome: JobOutcome,
        started: Instant,
    },
}

/// A handle to the generation queue. Clones share one queue.
#[derive(Clone)]
pub struct QueueHandle {
    commands: mpsc::Sender<Command>,
    updates: broadcast::Sender<JobUpdate>,
}

impl QueueHandle {
    /// Recovers what a previous run left behind, then starts running jobs. Call inside a
    /// tokio runtime.
    pub async fn start(
        db: Database,
        library: LibraryRoot,
        engine: EngineHandle,
        model_label: String,
    ) -> Result<(Self, RecoveryReport), QueueError> {
        let (updates, _) = broadcast::channel(1024);
        let ctx = JobContext {
            db,
            library,
            engine,
            updates: updates.clone(),
            model_label,
        };
        let report = recover(&ctx).await?;
        let (commands, inbox) = mpsc::channel(64);
        let engine_status = ctx.engine.status();
        let actor = Actor {
            ctx,
            inbox,
            own: commands.downgrade(),
            paused: false,
            running: None,
            engine_status,
        };
        tokio::spawn(actor.run());
        Ok((Self { commands, updates }, report))
    }

    /// Every job's changes from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<JobUpdate> {
        self.updates.subscribe()
    }

    /// Validates and stores a request; returns its jobs in run order.
    pub async fn submit(&self, request: GenerationRequest) -> Result<Vec<JobId>, QueueError> {
        self.ask(|reply| Command::Submit { request, reply }).await
    }

    /// Cancels a waiting or running job; false if it had already ended.
    pub async fn cancel(&self, job: &JobId) -> Result<bool, QueueError> {
        let job = job.clone();
        self.ask(|reply| Command::Cancel { job, reply }).await
    }

    /// Moves a waiting job one place sooner (`up`) or later.
    pub async fn move_job(&self, job: &JobId, up: bool) -> Result<bool, QueueError> {
        let job = job.clone();
        self.ask(|reply| Command::Move { job, up, reply }).await
    }

    /// Queues a failed job again.
    pub async fn retry(&self, job: &JobId) -> Result<bool, QueueError> {
        let job = job.clone();
        self.ask(|reply| Command::Retry { job, reply }).await
    }

    /// Stops starting new jobs; the running one finishes.
    pub async fn pause(&self) {
        let _ = self.commands.send(Command::Pause).await;
    }

    pub async fn resume(&self) {
        let _ = self.commands.send(Command::Resume).await;
    }

    /// The model new jobs are recorded with (after the engine was given another model).
    pub async fn set_model_label(&self, label: String) {
        let _ = self.commands.send(Command::SetModelLabel(label)).await;
    }

    async fn ask<T>(&self, command: impl FnOnce(Reply<T>) -> Command) -> Result<T, QueueError> {
        let (reply, answer) = oneshot::channel();
        self.commands
            .send(command(reply))
            .await
            .map_err(|_| QueueError::Stopped)?;
        answer.await.map_err(|_| QueueError::Stopped)?
    }
}

struct Running {
    job: JobId,
}

struct Actor {
    ctx: JobContext,
    inbox: mpsc::Receiver<Command>,
    /// For the running job's task to report back without keeping the queue alive.
    own: mpsc::WeakSender<Command>,
    paused: bool,
    running: Option<Running>,
    /// Jobs wait until the engine has a model loaded, instead of failing one by one.
    engine_status: watch::Receiver<EngineStatus>,
}

impl Actor {
    async fn run(mut self) {
        let mut watching_engine = true;
        loop {
            if let Err(error) = self.start_next().await {
                tracing::error!(%error, "could not start the next job");
            }
            tokio::select! {
                command = self.inbox.recv() => match command {
                    Some(command) => self.handle(command).await,
                    None => break,
                },
                changed = self.engine_status.changed(), if watching_engine => {
                    // The engine manager is gone: nothing more will change.
                    watching_engine = changed.is_ok();
                }
            }
        }
        tracing::debug!("generation queue stopped");
    }

    fn publish(&self, update: JobUpdate) {
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
            Command::Finished { job, outcome, started } => {
                if self.running.as_ref().is_some_and(|r| r.job == job) {
                    self.running = None;
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
            // The row says cancelled now; the engine finishes and the result is discarded.
            self.ctx.engine.cancel(job.as_str(), CancelMode::Soft).await;
            self.publish(JobUpdate::new(job, JobStatus::Cancelled));
        }
        Ok(running)
    }

    async fn start_next(&mut self) -> Result<(), QueueError> {
        // A job starts only on an engine with a model loaded. One sent while the engine
        // starts, restarts or loads would be answered NO_MODEL and fail for nothing; the
        // status watch wakes this loop when the model is in.
        let engine_ready = self.engine_status.borrow().is_ready();
        if self.paused || self.running.is_some() || !engine_ready {
            return Ok(());
        }
        let next = self
            .ctx
            .db
            .call(|conn| {
                use diesel::Connection;
                conn.transaction(|conn| {
                    let Some(job) = queue::next_pending(conn)? else {
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
            .await?;
        let Some((job, generation)) = next else { return Ok(()) };
        self.running = Some(Running { job: job.id.clone() });
        self.publish(JobUpdate::new(job.id.clone(), JobStatus::Processing));
        let ctx = self.ctx.clone();
        let own = self.own.clone();
        tokio::spawn(async move {
            let started = Instant::now();
            let id = job.id.clone();
            let outcome = run_job(ctx, job, generation).await;
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
        Ok(())
    }
}
