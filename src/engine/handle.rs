//! The engine manager's public face: a cheap, cloneable handle to the actor that owns the
//! engine process. Requests go in over a channel; each answer comes back on a oneshot.

use super::actor::Actor;
pub use super::commands::CancelMode;
use super::commands::{ManagerCommand, Purpose};
use super::protocol::{CommandKind, GenerateParams, GenerateResult, LoadParams, LoadReply, Progress, StatusReply};
use super::{EngineConfig, EngineError, EngineStatus};
use std::path::PathBuf;
use std::time::Duration;
use tokio::sync::{mpsc, oneshot, watch};

/// One image to generate. `job_id` becomes the request id, so progress and the result are
/// routed back to this request.
#[derive(Debug)]
pub struct GenerateRequest {
    pub job_id: String,
    pub params: GenerateParams,
    /// Receives every progress event of this job.
    pub progress: Option<mpsc::UnboundedSender<Progress>>,
}

/// A handle to the engine manager. Clones share one engine; the engine shuts down when the
/// last handle is dropped or `shutdown` is called.
#[derive(Clone)]
pub struct EngineHandle {
    commands: mpsc::Sender<ManagerCommand>,
    status: watch::Receiver<EngineStatus>,
}

impl EngineHandle {
    /// Starts the manager and the engine on the current tokio runtime.
    pub fn start(config: EngineConfig) -> Self {
        let (commands, inbox) = mpsc::channel(64);
        let (status_tx, status) = watch::channel(EngineStatus::Stopped);
        tokio::spawn(Actor::new(config, inbox, status_tx).run());
        Self { commands, status }
    }

    /// The engine's state, updated as it changes.
    pub fn status(&self) -> watch::Receiver<EngineStatus> {
        self.status.clone()
    }

    /// Waits until the status satisfies `wanted` or `limit` passes; returns the last status.
    pub async fn wait_for(&self, limit: Duration, wanted: impl Fn(&EngineStatus) -> bool) -> EngineStatus {
        let mut status = self.status.clone();
        let _ = tokio::time::timeout(limit, status.wait_for(|s| wanted(s))).await;
        status.borrow().clone()
    }

    /// Round trip to the engine; returns how long it took.
    pub async fn ping(&self) -> Result<Duration, EngineError> {
        let (reply, answer) = oneshot::channel();
        self.request(CommandKind::Ping, None, Purpose::Ping { reply }).await?;
        answer.await.map_err(|_| EngineError::ShutDown)?
    }

    /// Loads a model (replacing any loaded one). It is reloaded by itself after a restart.
    pub async fn load(&self, params: LoadParams) -> Result<LoadReply, EngineError> {
        let (reply, answer) = oneshot::channel();
        let json = serde_json::to_value(&params).ok();
        self.request(
            CommandKind::Load,
            json,
            Purpose::Load {
                params,
                reply: Some(reply),
            },
        )
        .await?;
        answer.await.map_err(|_| EngineError::ShutDown)?
    }

    /// Generates one image and checks that the file it wrote is a whole image.
    pub async fn generate(&self, request: GenerateRequest) -> Result<GenerateResult, EngineError> {
        let (reply, answer) = oneshot::channel();
        let output = PathBuf::from(&request.params.output);
        let json = serde_json::to_value(&request.params).ok();
        let purpose = Purpose::Generate {
            job_id: request.job_id,
            output,
            progress: request.progress,
            reply,
        };
        self.request(CommandKind::Generate, json, purpose).await?;
        let result = answer.await.map_err(|_| EngineError::ShutDown)??;
        let path = PathBuf::from(&result.output);
        let checked = path.clone();
        tokio::task::spawn_blocking(move || verify_output(&checked))
            .await
            .map_err(|e| EngineError::BadOutput {
                path: path.clone(),
                reason: e.to_string(),
            })?
            .map_err(|reason| EngineError::BadOutput { path, reason })?;
        Ok(result)
    }

    /// The engine's own view of what is loaded.
    pub async fn engine_status(&self) -> Result<StatusReply, EngineError> {
        let value = self.plain(CommandKind::Status).await?;
        serde_json::from_value(value).map_err(|e| EngineError::BadReply(e.to_string()))
    }

    /// Unloads the model, freeing its memory.
    pub async fn unload(&self) -> Result<(), EngineError> {
        self.plain(CommandKind::Unload).await.map(|_| ())
    }

    /// Loads the model [`unload`](Self::unload) freed again, if it is still unloaded; the
    /// status goes Loading, then Ready (or says why the load failed).
    pub async fn reload(&self) {
        let _ = self.commands.send(ManagerCommand::Reload).await;
    }

    /// Cancels a generation, waiting or running (see [`CancelMode`]).
    pub async fn cancel(&self, job_id: &str, mode: CancelMode) {
        let _ = self
            .commands
            .send(ManagerCommand::Cancel {
                job_id: job_id.to_owned(),
                mode,
            })
            .await;
    }

    /// Restarts the engine (after an error, or to apply new settings) and reloads the model.
    pub async fn restart(&self) {
        let _ = self.commands.send(ManagerCommand::Restart).await;
    }

    /// Runs `binary` from now on (a different engine, or the demo engine): the running engine
    /// is stopped, a command in flight fails, and no model is loaded until [`Self::load`] asks
    /// for one. Waiting commands go to the new engine.
    pub async fn switch_binary(&self, binary: PathBuf) {
        let _ = self.commands.send(ManagerCommand::SwitchBinary { binary }).await;
    }

    /// Asks the engine to quit, kills it if it has not exited within the grace period, and
    /// waits until it is gone.
    pub async fn shutdown(&self) {
        let (done, finished) = oneshot::channel();
        if self.commands.send(ManagerCommand::Shutdown { done }).await.is_ok() {
            let _ = finished.await;
        }
    }

    async fn plain(&self, kind: CommandKind) -> Result<serde_json::Value, EngineError> {
        let (reply, answer) = oneshot::channel();
        self.request(kind, None, Purpose::Plain { reply }).await?;
        answer.await.map_err(|_| EngineError::ShutDown)?
    }

    async fn request(
        &self,
        kind: CommandKind,
        params: Option<serde_json::Value>,
        purpose: Purpose,
    ) -> Result<(), EngineError> {
        self.commands
            .send(ManagerCommand::Request { kind, params, purpose })
            .await
            .map_err(|_| EngineError::ShutDown)
    }
}

/// A result is only as good as its file: it must exist and decode completely.
fn verify_output(path: &std::path::Path) -> Result<(), String> {
    crate::library::decode::decode_file(path)
        .map(drop)
        .map_err(|problem| format!("it {problem}"))
}
