//! Calling a hosted provider from a job: the blocking call on tokio's blocking pool, the
//! retry policy applied, the waits shown in the queue, and the user's cancel heard.

use super::JobUpdate;
use crate::db::types::{JobId, JobStatus};
use crate::generation::Provider;
use crate::remote::http::CallError;
use crate::remote::retry::{CallKind, Failure, FailureKind, Verdict, judge};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::{broadcast, watch};

/// What a remote job tells the queue panel, and hears from it.
pub(super) struct JobLine {
    pub provider: Provider,
    pub job: JobId,
    pub started: Instant,
    pub updates: broadcast::Sender<JobUpdate>,
    /// Becomes true when the user cancels the job.
    pub cancel: watch::Receiver<bool>,
}

/// How a call ended when it did not give its value.
pub(super) enum Stopped {
    Cancelled,
    Failed(Failure),
}

impl JobLine {
    /// Shows `phase` in the queue ("Waiting at fal", "No connection to fal; trying again").
    pub fn phase(&self, phase: impl Into<String>) {
        let mut update = JobUpdate::new(self.job.clone(), JobStatus::Processing);
        update.phase = Some(phase.into());
        update.elapsed = self.started.elapsed();
        let _ = self.updates.send(update);
    }

    pub fn cancelled(&self) -> bool {
        *self.cancel.borrow()
    }

    /// Waits `wait`, or less if the job is cancelled meanwhile (then true).
    pub async fn sleep(&mut self, wait: Duration) -> bool {
        if self.cancelled() {
            return true;
        }
        let woke_for_cancel = tokio::select! {
            () = tokio::time::sleep(wait) => false,
            _ = self.cancel.wait_for(|c| *c) => true,
        };
        woke_for_cancel || self.cancelled()
    }

    /// Runs `call` until it succeeds or the retry policy gives up. A read is abandoned when
    /// the job is cancelled; a submit is always waited for, so a request the provider
    /// accepted is never dropped unrecorded.
    pub async fn call<T, F>(&mut self, kind: CallKind, what: &'static str, call: F) -> Result<T, Stopped>
    where
        T: Send + 'static,
        F: Fn() -> Result<T, CallError> + Send + Sync + 'static,
    {
        let call = Arc::new(call);
        let mut attempt = 0;
        loop {
            let running = call.clone();
            let task = tokio::task::spawn_blocking(move || running());
            let result = if kind == CallKind::Submit {
                task.await
            } else {
                tokio::select! {
                    result = task => result,
                    _ = self.cancel.wait_for(|c| *c) => return Err(Stopped::Cancelled),
                }
            };
            let error = match result {
                Ok(Ok(value)) => return Ok(value),
                Ok(Err(error)) => error,
                Err(_) => CallError::Fatal(format!(
                    "the call to {} stopped unexpectedly",
                    self.provider.display_name()
                )),
            };
            attempt += 1;
            match judge(self.provider, kind, &error, attempt) {
                Verdict::Fail(failure) => {
                    tracing::warn!(job = %self.job, provider = self.provider.as_str(), ?error, "hosted call failed");
                    return Err(Stopped::Failed(failure));
                }
                Verdict::Again { wait, offline } => {
                    let name = self.provider.display_name();
                    if offline {
                        self.phase(crate::i18n::fill(
                            &crate::i18n::tr("No connection to {}; trying again"),
                            &[name],
                        ));
                    } else {
                        self.phase(crate::i18n::fill(
                            &crate::i18n::tr("{}: {} is busy; trying again"),
                            &[&crate::i18n::tr(what), name],
                        ));
                    }
                    tracing::info!(job = %self.job, provider = self.provider.as_str(), ?error, ?wait, "retrying a hosted call");
                    if self.sleep(wait).await {
                        return Err(Stopped::Cancelled);
                    }
                }
            }
        }
    }
}

impl From<Failure> for Stopped {
    fn from(failure: Failure) -> Self {
        Stopped::Failed(failure)
    }
}

/// A failure that is not a call's (no key, a file that cannot be read).
pub(super) fn other(message: impl Into<String>) -> Stopped {
    Stopped::Failed(Failure::new(FailureKind::Other, message))
}
