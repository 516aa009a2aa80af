//! The app's side of the queue: a cloneable handle whose calls become commands for the
//! one actor that runs jobs (actor.rs).

use super::actor::{Command, Reply, ShutdownOutcome, spawn};
use super::recovery::{RecoveryReport, recover};
use super::run::JobContext;
use super::{JobUpdate, QueueError};
use crate::db::types::JobId;
use crate::db::{Database, Ownership};
use crate::engine::EngineHandle;
use crate::generation::GenerationRequest;
use crate::library::LibraryRoot;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{broadcast, mpsc, oneshot};

/// A handle to the generation queue. Clones share one queue.
#[derive(Clone)]
pub struct QueueHandle {
    commands: mpsc::Sender<Command>,
    updates: broadcast::Sender<JobUpdate>,
}

impl QueueHandle {
    /// Recovers what a previous run left behind, then starts running jobs; in a process that
    /// does not own the library, follows the owner's work until it can take over. Call inside
    /// a tokio runtime.
    pub async fn start(
        db: Database,
        library: LibraryRoot,
        engine: EngineHandle,
        model_label: String,
        ownership: Arc<Ownership>,
    ) -> Result<(Self, RecoveryReport), QueueError> {
        let (updates, _) = broadcast::channel(1024);
        let remote_slots = db
            .call(super::slots::remote_slots)
            .await
            .unwrap_or(super::slots::DEFAULT_REMOTE_SLOTS);
        let ctx = JobContext {
            db,
            library,
            engine,
            updates: updates.clone(),
            model_label,
            http: crate::remote::http::Http::new(),
            remote_slots,
        };
        let owner = ownership.is_owner();
        let report = if owner {
            recover(&ctx).await?
        } else {
            RecoveryReport::default()
        };
        let commands = spawn(ctx, ownership, owner).await;
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

    /// Stops starting jobs and waits up to `grace` for the running one to end; a job still
    /// running then is left for the next owner's recovery (nothing is recorded as failed).
    /// The queue answers nothing afterwards.
    pub async fn shutdown(&self, grace: Duration) -> ShutdownOutcome {
        let (done, outcome) = oneshot::channel();
        if self.commands.send(Command::Shutdown { grace, done }).await.is_err() {
            return ShutdownOutcome::Idle;
        }
        outcome.await.unwrap_or(ShutdownOutcome::Idle)
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
