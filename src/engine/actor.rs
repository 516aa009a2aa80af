//! The engine manager actor: the one task that owns the engine process. It sends one
//! command at a time (the engine is sequential), routes replies by id and progress to the
//! job that asked, watches for silence and crashes, and restarts with backoff.

use super::handle::{CancelMode, ManagerCommand};
use super::lines::EngineLine;
use super::process::{EngineProcess, STDERR_TAIL_LINES, engine_version};
use super::protocol::{CommandKind, GenerateResult, LoadParams, LoadReply, Progress, Request, Response, parse_line};
use super::{EngineConfig, EngineError, EngineStatus};
use std::collections::VecDeque;
use std::path::PathBuf;
use std::time::Duration;
use tokio::sync::{mpsc, oneshot, watch};
use tokio::time::Instant;

type Reply<T> = oneshot::Sender<Result<T, EngineError>>;

/// Why a command was sent, and where its answer goes.
pub(super) enum Purpose {
    /// The health check after every start; never from a caller.
    StartupPing,
    Ping {
        reply: Reply<Duration>,
    },
    /// `reply` is `None` for the automatic reload after a restart.
    Load {
        params: LoadParams,
        reply: Option<Reply<LoadReply>>,
    },
    Generate {
        job_id: String,
        output: PathBuf,
        progress: Option<mpsc::UnboundedSender<Progress>>,
        reply: Reply<GenerateResult>,
    },
    Plain {
        reply: Reply<serde_json::Value>,
    },
}

impl Purpose {
    fn fail(self, error: EngineError) {
        match self {
            Purpose::StartupPing => {}
            Purpose::Ping { reply } => drop(reply.send(Err(error))),
            Purpose::Load { reply, .. } => {
                if let Some(reply) = reply {
                    let _ = reply.send(Err(error));
                }
            }
            Purpose::Generate { reply, .. } => drop(reply.send(Err(error))),
            Purpose::Plain { reply } => drop(reply.send(Err(error))),
        }
    }
}

struct Queued {
    kind: CommandKind,
    params: Option<serde_json::Value>,
    purpose: Purpose,
}

struct InFlight {
    id: String,
    kind: CommandKind,
    purpose: Purpose,
    sent_at: Instant,
    deadline: Instant,
    /// For generations: when silence counts as a hang. Pushed back by every line.
    silent_until: Option<Instant>,
    cancelled: Option<CancelMode>,
}

impl InFlight {
    fn next_deadline(&self) -> Instant {
        self.silent_until
            .map_or(self.deadline, |silent| silent.min(self.deadline))
    }
}

/// Where the engine process is in its life.
enum Life {
    /// Spawned, waiting for the first pong.
    Starting,
    Running,
    /// Crashed; restarting at `until`.
    Backoff {
        until: Instant,
    },
    /// Gave up after too many failed restarts.
    Failed {
        message: String,
    },
    ShutDown,
}

enum Event {
    Command(Option<ManagerCommand>),
    Line(EngineLine),
    Stderr(String),
    Exited(Option<i32>),
    Timeout,
    BackoffOver,
}

pub(super) struct Actor {
    config: EngineConfig,
    inbox: mpsc::Receiver<ManagerCommand>,
    status: watch::Sender<EngineStatus>,
    process: Option<EngineProcess>,
    life: Life,
    version: Option<String>,
    model: Option<String>,
    /// The last load that succeeded; replayed after a restart.
    last_load: Option<LoadParams>,
    waiting: VecDeque<Queued>,
    in_flight: Option<InFlight>,
    stderr_tail: VecDeque<String>,
    /// Consecutive failed starts; reset once the engine is healthy again.
    failures: u32,
    next_id: u64,
}

impl Actor {
    pub(super) fn new(
        config: EngineConfig,
        inbox: mpsc::Receiver<ManagerCommand>,
        status: watch::Sender<EngineStatus>,
    ) -> Self {
        Self {
            config,
            inbox,
            status,
            process: None,
            life: Life::Backoff { until: Instant::now() },
            version: None,
            model: None,
            last_load: None,
            waiting: VecDeque::new(),
            in_flight: None,
            stderr_tail: VecDeque::new(),
            failures: 0,
            next_id: 0,
        }
    }

    pub(super) async fn run(mut self) {
        loop {
            self.dispatch().await;
            self.publish();
            match self.next_event().await {
                Event::Command(None) => {
                    // Every handle is gone: nobody can use the engine any more.
                    self.shutdown().await;
                }
                Event::Command(Some(command)) => self.on_command(command).await,
                Event::Line(line) => self.on_line(line),
                Event::Stderr(line) => self.remember_stderr(line),
                Event::Exited(code) => self.on_exit(code).await,
                Event::Timeout => self.on_timeout().await,
                Event::BackoffOver => self.start_process().await,
            }
            if matches!(self.life, Life::ShutDown) {
                self.publish();
                return;
            }
        }
    }

    async fn next_event(&mut self) -> Event {
        let deadline = self.in_flight.as_ref().map(InFlight::next_deadline);
        let backoff = match self.life {
            Life::Backoff { until } => Some(until),
            _ => None,
        };
        let (lines, stderr, child) = match self.process.as_mut() {
            Some(p) => (Some(&mut p.lines), Some(&mut p.stderr), Some(&mut p.child)),
            None => (None, None, None),
        };
        tokio::select! {
            command = self.inbox.recv() => Event::Command(command),
            Some(line) = recv(lines) => Event::Line(line),
            Some(line) = recv(stderr) => Event::Stderr(line),
            code = wait(child) => Event::Exited(code),
            () = sleep(deadline) => Event::Timeout,
            () = sleep(backoff) => Event::BackoffOver,
        }
    }

    async fn on_command(&mut self, command: ManagerCommand) {
        match command {
            ManagerCommand::Request { kind, params, purpose } => {
                if let Life::Failed { message } = &self.life {
                    // A generation cannot wait for an engine that is not coming back; a ping
                    // or load is the user asking to try again.
                    if kind == CommandKind::Generate {
                        purpose.fail(EngineError::Unavailable(message.clone()));
                        return;
                    }
                    self.failures = 0;
                    self.life = Life::Backoff { until: Instant::now() };
                }
                self.waiting.push_back(Queued { kind, params, purpose });
            }
            ManagerCommand::Cancel { job_id, mode } => self.cancel(&job_id, mode).await,
            ManagerCommand::Restart => {
                self.stop_process().await;
                self.fail_in_flight(EngineError::Unavailable("the engine was restarted".into()));
                self.failures = 0;
                self.life = Life::Backoff { until: Instant::now() };
            }
            ManagerCommand::Shutdown { done } => {
                self.shutdown().await;
                let _ = done.send(());
            }
        }
    }

    async fn cancel(&mut self, job_id: &str, mode: CancelMode) {
        let is_job = |purpose: &Purpose| matches!(purpose, Purpose::Generate { job_id: id, .. } if id == job_id);
        if let Some(at) = self.waiting.iter().position(|q| is_job(&q.purpose)) {
            if let Some(queued) = self.waiting.remove(at) {
                queued.purpose.fail(EngineError::Cancelled);
            }
            return;
        }
        let running = self.in_flight.as_mut().filter(|flight| is_job(&flight.purpose));
        let Some(flight) = running else { return };
        match mode {
            CancelMode::Soft => flight.cancelled = Some(CancelMode::Soft),
            CancelMode::Hard => {
                tracing::info!(job = job_id, "stopping the engine to cancel the running job");
                self.stop_process().await;
                self.fail_in_flight(EngineError::Cancelled);
                // Not a crash: restart at once, without counting a failure.
                self.life = Life::Backoff { until: Instant::now() };
            }
        }
    }

    /// Sends the next waiting command when the engine is free.
    async fn dispatch(&mut self) {
        if !matches!(self.life, Life::Running) || self.in_flight.is_some() {
            return;
        }
        let Some(queued) = self.waiting.pop_front() else {
            return;
        };
        let id = match &queued.purpose {
            Purpose::Generate { job_id, .. } => job_id.clone(),
            _ => {
                self.next_id += 1;
                format!("{}-{}", queued.kind.as_str(), self.next_id)
            }
        };
        self.send(id, queued).await;
    }

    async fn send(&mut self, id: String, queued: Queued) {
        let Some(process) = self.process.as_mut() else {
            self.waiting.push_front(queued);
            return;
        };
        let request = Request {
            cmd: queued.kind.as_str(),
            id: id.clone(),
            params: queued.params,
        };
        if let Err(error) = process.send(&request).await {
            // The engine is gone; its exit is handled next, and this command waits for the restart.
            tracing::debug!(%error, "writing to the engine failed");
            self.waiting.push_front(Queued {
                kind: queued.kind,
                params: request.params,
                purpose: queued.purpose,
            });
            return;
        }
        let now = Instant::now();
        let timeouts = &self.config.timeouts;
        let budget = match queued.kind {
            CommandKind::Ping => timeouts.ping,
            CommandKind::Load => timeouts.load,
            CommandKind::Generate | CommandKind::Upscale => timeouts.generate,
            _ => timeouts.other,
        };
        let watched = matches!(queued.kind, CommandKind::Generate | CommandKind::Upscale);
        self.in_flight = Some(InFlight {
            id,
            kind: queued.kind,
            purpose: queued.purpose,
            sent_at: now,
            deadline: now + budget,
            silent_until: watched.then(|| now + timeouts.silence),
            cancelled: None,
        });
    }

    fn on_line(&mut self, line: EngineLine) {
        let text = match line {
            EngineLine::Text(text) => text,
            EngineLine::TooLong { preview } => {
                tracing::warn!(%preview, "skipped an over-long line from the engine");
                return;
            }
            EngineLine::NotUtf8 => {
                tracing::warn!("skipped a line from the engine that is not UTF-8");
                return;
            }
        };
        let Some((id, response)) = parse_line(&text) else {
            if !text.trim().is_empty() {
                let preview: String = text.chars().take(80).collect();
                tracing::debug!(%preview, "skipped a non-protocol line from the engine");
            }
            return;
        };
        let Some(flight) = self.in_flight.as_mut() else {
            tracing::debug!(%id, "a reply arrived with no command in flight");
            return;
        };
        // The engine answers parse errors with an empty id; they belong to the command in flight.
        let ours = id == flight.id || (id.is_empty() && matches!(response, Response::Error(_)));
        if !ours {
            tracing::debug!(%id, expected = %flight.id, "a reply for an unknown id");
            return;
        }
        if let Some(silent) = flight.silent_until.as_mut() {
            *silent = Instant::now() + self.config.timeouts.silence;
        }
        match response {
            Response::Progress(progress) => {
                if let Purpose::Generate {
                    progress: Some(sink), ..
                } = &flight.purpose
                {
                    let _ = sink.send(progress);
                }
            }
            Response::Unknown(kind) => tracing::debug!(%kind, "ignored a reply of an unknown type"),
            terminal => {
                if let Some(flight) = self.in_flight.take() {
                    self.complete(flight, terminal);
                }
            }
        }
    }

    /// Updates the state for a finished command, publishes it, then answers the caller, so a
    /// caller that looks at the status after its answer sees the state that answer left.
    fn complete(&mut self, flight: InFlight, response: Response) {
        let engine_error = |response: Response| match response {
            Response::Error(data) => EngineError::Engine {
                code: data.code,
                message: data.message,
            },
            other => EngineError::BadReply(format!("unexpected reply {other:?}")),
        };
        match flight.purpose {
            Purpose::StartupPing => match response {
                Response::Ok(_) => {
                    self.life = Life::Running;
                    match self.last_load.clone() {
                        Some(params) => {
                            let json = serde_json::to_value(&params).ok();
                            let purpose = Purpose::Load { params, reply: None };
                            self.waiting.push_front(Queued {
                                kind: CommandKind::Load,
                                params: json,
                                purpose,
                            });
                        }
                        None => self.failures = 0,
                    }
                }
                other => self.crashed(EngineError::BadReply(format!(
                    "the health check was answered with {other:?}"
                ))),
            },
            Purpose::Ping { reply } => {
                let result = match response {
                    Response::Ok(_) => Ok(flight.sent_at.elapsed()),
                    other => Err(engine_error(other)),
                };
                self.publish();
                let _ = reply.send(result);
            }
            Purpose::Load { params, reply } => {
                let result = match response {
                    Response::Ok(data) => {
                        serde_json::from_value::<LoadReply>(data).map_err(|e| EngineError::BadReply(e.to_string()))
                    }
                    other => Err(engine_error(other)),
                };
                match &result {
                    Ok(loaded) => {
                        let label = if loaded.model_info.is_empty() || loaded.model_info == "(unknown)" {
                            params.model_label()
                        } else {
                            loaded.model_info.clone()
                        };
                        tracing::info!(model = %label, load_ms = loaded.load_time_ms, "model loaded");
                        self.model = Some(label);
                        self.last_load = Some(params);
                        self.failures = 0;
                    }
                    Err(error) => {
                        // The engine frees the old model before loading: a failed load leaves none.
                        tracing::warn!(%error, "loading the model failed");
                        self.model = None;
                    }
                }
                if let Some(reply) = reply {
                    self.publish();
                    let _ = reply.send(result);
                }
            }
            Purpose::Generate {
                job_id, output, reply, ..
            } => {
                let result = match response {
                    Response::Result(data) => {
                        serde_json::from_value::<GenerateResult>(data).map_err(|e| EngineError::BadReply(e.to_string()))
                    }
                    other => Err(engine_error(other)),
                };
                let result = match (result, flight.cancelled) {
                    (Ok(_), Some(_)) => {
                        // Soft cancel: the image was made but is not wanted.
                        let _ = std::fs::remove_file(&output);
                        tracing::info!(job = %job_id, "discarded the result of a cancelled job");
                        Err(EngineError::Cancelled)
                    }
                    (result, _) => result,
                };
                self.publish();
                let _ = reply.send(result);
            }
            Purpose::Plain { reply } => {
                let result = match response {
                    Response::Ok(data) => Ok(data),
                    other => Err(engine_error(other)),
                };
                if flight.kind == CommandKind::Unload && result.is_ok() {
                    self.model = None;
                    self.last_load = None;
                }
                self.publish();
                let _ = reply.send(result);
            }
        }
    }

    async fn on_exit(&mut self, code: Option<i32>) {
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

    async fn on_timeout(&mut self) {
        let Some(flight) = self.in_flight.as_ref() else {
            return;
        };
        let what = match flight.kind {
            CommandKind::Ping => "the health check",
            CommandKind::Load => "the model load",
            CommandKind::Generate => "the generation",
            CommandKind::Upscale => "the upscale",
            _ => "a command",
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
    fn crashed(&mut self, error: EngineError) {
        tracing::warn!(%error, "engine failure");
        let message = error.to_string();
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

    async fn start_process(&mut self) {
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
    async fn stop_process(&mut self) {
        self.drain_stderr();
        if let Some(mut process) = self.process.take() {
            process.kill().await;
        }
        self.model = None;
    }

    async fn shutdown(&mut self) {
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

    fn fail_in_flight(&mut self, error: EngineError) {
        if let Some(flight) = self.in_flight.take() {
            flight.purpose.fail(error);
        }
    }

    fn drain_stderr(&mut self) {
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

    fn remember_stderr(&mut self, line: String) {
        if self.stderr_tail.len() == STDERR_TAIL_LINES {
            self.stderr_tail.pop_front();
        }
        self.stderr_tail.push_back(line);
    }

    fn publish(&self) {
        let status = match &self.life {
            Life::ShutDown => EngineStatus::Stopped,
            Life::Starting | Life::Backoff { .. } => EngineStatus::Starting,
            Life::Failed { message } => EngineStatus::Error {
                message: message.clone(),
            },
            Life::Running => match self.in_flight.as_ref().map(|f| &f.purpose) {
                Some(Purpose::Load { .. }) => EngineStatus::Loading,
                Some(Purpose::Generate { job_id, .. }) => EngineStatus::Busy {
                    job: job_id.clone(),
                    model: self.model.clone().unwrap_or_default(),
                },
                _ => match &self.model {
                    Some(model) => EngineStatus::Ready { model: model.clone() },
                    None => EngineStatus::Idle,
                },
            },
        };
        self.status.send_if_modified(|current| {
            let changed = *current != status;
            if changed {
                *current = status;
            }
            changed
        });
    }
}

async fn recv<T>(channel: Option<&mut mpsc::Receiver<T>>) -> Option<T> {
    match channel {
        Some(channel) => channel.recv().await,
        None => std::future::pending().await,
    }
}

async fn wait(child: Option<&mut tokio::process::Child>) -> Option<i32> {
    match child {
        Some(child) => match child.wait().await {
            Ok(status) => status.code(),
            Err(_) => None,
        },
        None => std::future::pending().await,
    }
}

async fn sleep(until: Option<Instant>) {
    match until {
        Some(until) => tokio::time::sleep_until(until).await,
        None => std::future::pending().await,
    }
}
