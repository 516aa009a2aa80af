//! The generation queue: a persistent list of jobs run one at a time through the engine,
//! each finished image stored in the library with its row in one transaction.
//!
//! One actor owns the queue's running state; the app holds cloneable [`QueueHandle`]s and
//! follows progress on a broadcast channel of [`JobUpdate`]s.

mod actor;
mod error;
mod failure_text;
mod handle;
mod recovery;
mod remote_calls;
mod remote_job;
mod rows;
mod run;
mod slots;
mod submit;

pub use actor::ShutdownOutcome;
pub use error::QueueError;
pub use failure_text::{FailureText, failure_text};
pub use handle::QueueHandle;
pub use rows::RowWatch;
pub use run::FinishTimings;
pub use slots::{DEFAULT_REMOTE_SLOTS, REMOTE_SLOTS_SETTING, remote_slots, set_remote_slots};
pub use submit::submit;

use crate::db::types::{JobId, JobStatus, MediaId};
use std::path::PathBuf;
use std::time::Duration;

/// A change in a job's state or progress.
#[derive(Debug, Clone, PartialEq)]
pub struct JobUpdate {
    pub job_id: JobId,
    pub status: JobStatus,
    /// The engine's phase while processing (conditioning, sampling, saving...).
    pub phase: Option<String>,
    pub step: Option<u32>,
    pub total_steps: Option<u32>,
    /// Since the job started processing.
    pub elapsed: Duration,
    pub error: Option<String>,
    /// The stored image, once completed.
    pub media: Option<(MediaId, PathBuf)>,
    /// Where the time went between the engine's result and the committed row.
    pub timings: Option<FinishTimings>,
}

impl JobUpdate {
    pub fn new(job_id: JobId, status: JobStatus) -> Self {
        Self {
            job_id,
            status,
            phase: None,
            step: None,
            total_steps: None,
            elapsed: Duration::ZERO,
            error: None,
            media: None,
            timings: None,
        }
    }

    pub fn is_final(&self) -> bool {
        matches!(
            self.status,
            JobStatus::Completed | JobStatus::Failed | JobStatus::Cancelled
        )
    }
}
