//! Stopping the queue: no new jobs, a grace period for the running one, then leave it for
//! the next owner's recovery rather than record it as failed.

use super::Actor;
use tokio::sync::oneshot;

/// How the queue stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ShutdownOutcome {
    /// Nothing was running, or the running job ended within the grace period.
    Idle,
    /// The running job did not end in time: it was left as it was, and the next owner's
    /// recovery runs it again (or finishes it, if its image had arrived).
    LeftRunning,
}

/// A shutdown waiting for the running job.
pub(super) struct Stopping {
    pub(super) deadline: tokio::time::Instant,
    pub(super) done: Option<oneshot::Sender<ShutdownOutcome>>,
}

impl Actor {
    /// The grace period of a shutdown is over and the job still runs: leave it for the next
    /// owner, recording nothing.
    pub(super) fn give_up_running_job(&mut self) {
        for running in self.running.drain(..) {
            // A hosted job's submit and its record finish on the blocking pool regardless.
            running.task.abort();
            tracing::info!(job = %running.job, "left a running job for the next start to finish or run again");
        }
        self.finish_shutdown(ShutdownOutcome::LeftRunning);
    }

    pub(super) fn finish_shutdown(&mut self, outcome: ShutdownOutcome) {
        if let Some(done) = self.stopping.as_mut().and_then(|s| s.done.take()) {
            let _ = done.send(outcome);
        }
    }
}

/// Sleeps until `deadline`, or forever without one.
pub(super) async fn sleep_until(deadline: Option<tokio::time::Instant>) {
    match deadline {
        Some(deadline) => tokio::time::sleep_until(deadline).await,
        None => std::future::pending().await,
    }
}
