//! The engine process's life: start, crash, timeout, stop and shutdown, and the stderr
//! lines kept for error messages.

use super::{Actor, Life, Purpose, Queued};
use crate::engine::EngineError;
use crate::engine::process::{EngineProcess, STDERR_TAIL_LINES, engine_version};
use crate::engine::protocol::{CommandKind, LoadParams, Request};
use std::time::Duration;
use tokio::time::Instant;

impl Queued {
    /// A load the actor asks for itself (after a restart, or for a parked model): nobody
    /// waits on its reply.
    pub(super) fn own_load(params: LoadParams) -> Self {
        Queued {
            kind: CommandKind::Load,
            params: serde_json::to_value(&params).ok(),
            purpose: Purpose::Load { params, reply: None },
        }
    }
}

impl Actor {
    pub(super) async fn on_exit(&mut self, code: Option<i32>) {
        // Lines written just before the exit (perhaps the result, or the crash message) are
        // still on their way through the reader tasks; collect them until both pipes close.
        let (mut lines, mut stderr) = (Vec::new(), Vec::new());
        if let Some(process) = self.process.as_mut() {
            let patience = Duration::from_millis(500);
            while let Ok(Some(line)) = tokio::time::timeout(patience, process.lines.recv()).await {
                lines.push(line);
            }
            while let Ok(Some(line)) = tokio::time::timeout(patience, process.stderr.recv()).await {
                stderr.push(line);
            }
        }
        stderr.into_iter().for_each(|line| self.remember_stderr(line));
        lines.into_iter().for_each(|line| self.on_line(line));
        self.process = None;
        if matches!(self.life, Life::ShutDown) {
            return;
        }
        let tail = self.stderr_tail.iter().cloned().collect();
        self.crashed(EngineError::Exited {
            code,
            stderr_tail: tail,
        });
    }

    pub(super) async fn on_timeout(&mut self) {
        let Some(flight) = self.in_flight.as_ref() else {
            return;
        };
        let what = match flight.kind {
            CommandKind::Ping => crate::i18n::later("the health check"),
            CommandKind::Load => crate::i18n::later("the model load"),
            CommandKind::Generate => crate::i18n::later("the generation"),
            CommandKind::Upscale => crate::i18n::later("the upscale"),
            _ => crate::i18n::later("a command"),
        };
        let after = Instant::now().duration_since(flight.sent_at);
        tracing::warn!(what, secs = after.as_secs_f32(), "the engine is stuck; killing it");
        self.stop_process().await;
        let tail = self.stderr_tail.iter().cloned().collect();
        self.crashed(EngineError::Timeout {
            what,
            after,
            stderr_tail: tail,
        });
    }

    /// Fails the command in flight and schedules a restart, or gives up.
    pub(super) fn crashed(&mut self, error: EngineError) {
        tracing::warn!(%error, "engine failure");
        let message = error.to_string();
        self.last_failure = message.lines().next().map(str::to_owned);
        self.fail_in_flight(error);
        self.process = None;
        self.model = None;
        self.failures += 1;
        if self.failures > self.config.max_restarts {
            let message = message.lines().next().unwrap_or_default().to_owned();
            for queued in self.waiting.drain(..) {
                queued.purpose.fail(EngineError::Unavailable(message.clone()));
            }
            self.life = Life::Failed { message };
        } else {
            let wait = self.config.restart_backoff * self.failures;
            tracing::info!(
                attempt = self.failures,
                wait_ms = wait.as_millis() as u64,
                "restarting the engine"
            );
            self.life = Life::Backoff {
                until: Instant::now() + wait,
            };
        }
    }

    pub(super) async fn start_process(&mut self) {
        if self.version.is_none() {
            match engine_version(&self.config.binary, self.config.timeouts.version).await {
                Ok(version) => {
                    tracing::info!(%version, binary = %self.config.binary.display(), "engine found");
                    self.version = Some(version);
                }
                Err(error) => return self.crashed(error),
            }
        }
        self.stderr_tail.clear();
        match EngineProcess::spawn(&self.config.binary, &self.config.workdir, &self.config.env) {
            Ok(process) => {
                self.process = Some(process);
                self.life = Life::Starting;
                self.next_id += 1;
                let id = format!("health-{}", self.next_id);
                self.send(
                    id,
                    Queued {
                        kind: CommandKind::Ping,
                        params: None,
                        purpose: Purpose::StartupPing,
                    },
                )
                .await;
            }
            Err(error) => self.crashed(error),
        }
    }

    /// Kills the engine if it runs and forgets it.
    /// Queues a load of the model the user unloaded, once (a failed load says so, and the
    /// model is not parked any more). Nothing happens while a model is loaded.
    pub(super) fn reload_parked(&mut self) {
        if self.model.is_none()
            && let Some(params) = self.parked.take()
        {
            tracing::info!(model = %params.model_label(), "loading the unloaded model again for a job");
            self.waiting.push_back(Queued::own_load(params));
        }
    }

    pub(super) async fn stop_process(&mut self) {
        self.drain_stderr();
        if let Some(mut process) = self.process.take() {
            process.kill().await;
        }
        self.model = None;
    }

    pub(super) async fn shutdown(&mut self) {
        for queued in self.waiting.drain(..) {
            queued.purpose.fail(EngineError::ShutDown);
        }
        if let Some(mut process) = self.process.take() {
            let _ = process.send(&Request::new(CommandKind::Quit, "quit")).await;
            match tokio::time::timeout(self.config.timeouts.quit_grace, process.child.wait()).await {
                Ok(_) => tracing::info!("engine quit"),
                Err(_) => {
                    tracing::warn!("the engine did not quit in time; killing it");
                    process.kill().await;
                }
            }
        }
        self.fail_in_flight(EngineError::ShutDown);
        self.model = None;
        self.life = Life::ShutDown;
    }

    pub(super) fn fail_in_flight(&mut self, error: EngineError) {
        if let Some(flight) = self.in_flight.take() {
            flight.purpose.fail(error);
        }
    }

    pub(super) fn drain_stderr(&mut self) {
        let mut lines = Vec::new();
        if let Some(process) = self.process.as_mut() {
            while let Ok(line) = process.stderr.try_recv() {
                lines.push(line);
            }
        }
        for line in lines {
            self.remember_stderr(line);
        }
    }

    pub(super) fn remember_stderr(&mut self, line: String) {
        if self.stderr_tail.len() == STDERR_TAIL_LINES {
            self.stderr_tail.pop_front();
        }
        self.stderr_tail.push_back(line);
    }
}
