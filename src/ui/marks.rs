//! The one place the window's named values (`CullMark`, `FlashKind`, `JobState` of
//! `ui/adapters/types.slint`) meet the app's own types.

use super::{CullMark, JobState};
use crate::services::model::{CullStatus, JobStatus};

/// A culling status as the window shows it.
pub fn cull_mark(status: Option<CullStatus>) -> CullMark {
    match status {
        None => CullMark::None,
        Some(CullStatus::Selected) => CullMark::Selected,
        Some(CullStatus::Rejected) => CullMark::Rejected,
    }
}

/// The culling status a mark chosen in the window means.
pub fn cull_status(mark: CullMark) -> Option<CullStatus> {
    match mark {
        CullMark::Selected => Some(CullStatus::Selected),
        CullMark::Rejected => Some(CullStatus::Rejected),
        _ => None,
    }
}

/// Where a job stands, as the queue list shows it (a job done or cancelled has left it).
pub fn job_state(status: JobStatus) -> JobState {
    match status {
        JobStatus::Processing => JobState::Running,
        JobStatus::Failed => JobState::Failed,
        _ => JobState::Waiting,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_and_statuses_map_both_ways() {
        for status in [None, Some(CullStatus::Selected), Some(CullStatus::Rejected)] {
            assert_eq!(cull_status(cull_mark(status)), status);
        }
        assert_eq!(job_state(JobStatus::Processing), JobState::Running);
        assert_eq!(job_state(JobStatus::Failed), JobState::Failed);
        assert_eq!(job_state(JobStatus::Pending), JobState::Waiting);
    }
}
