//! The engine manager actor: the one task that owns the engine process. It sends one
//! command at a time (the engine is sequential), routes replies by id and progress to the
//! job that asked, watches for silence and crashes, and restarts with backoff.

mod completion;
mod lifecycle;
mod status;

use super::commands::{CancelMode, ManagerCommand, Purpose};
use super::lines::EngineLine;
use super::process::EngineProcess;
use super::protocol::{CommandKind, LoadParams, Request, Response, parse_line};
use super::{EngineConfig, EngineError, EngineStatus};
use std::collections::VecDeque;
use tokio::sync::{mpsc, watch};
use tokio::time::Instant;

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
    /// The model the user unloaded, to load again when a job needs it.
    parked: Option<LoadParams>,
    waiting: VecDeque<Queued>,
    in_flight: Option<InFlight>,
    stderr_tail: VecDeque<String>,
    /// Consecutive failed starts; reset once the engine is healthy again.
    failures: u32,
    /// What the last failure was, shown while the engine recovers from it.
    last_failure: Option<String>,
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
            parked: None,
            waiting: VecDeque::new(),
            in_flight: None,
            stderr_tail: VecDeque::new(),
            failures: 0,
            last_failure: None,
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
            ManagerCommand::Reload => self.reload_parked(),
            ManagerCommand::Restart => {
                self.stop_process().await;
                self.fail_in_flight(EngineError::Unavailable(crate::i18n::tr("the engine was restarted")));
                self.failures = 0;
                self.life = Life::Backoff { until: Instant::now() };
            }
            ManagerCommand::SwitchBinary { binary } => {
                tracing::info!(binary = %binary.display(), "switching to another engine");
                self.stop_process().await;
                self.fail_in_flight(EngineError::Unavailable(crate::i18n::tr(
                    "the engine was restarted with new settings",
                )));
                self.config.binary = binary;
                self.version = None;
                self.last_load = None;
                self.parked = None;
                self.failures = 0;
                self.last_failure = None;
                self.life = Life::Backoff { until: Instant::now() };
            }
            ManagerCommand::Shutdown { done } => {
                self.shutdown().await;
                // Published before answering: whoever awaited the shutdown sees Stopped.
                self.publish();
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
