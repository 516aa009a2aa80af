//! What the actor tells the app about the engine: one [`EngineStatus`] derived from its
//! life, the command in flight and the model, published only when it changes.

use super::{Actor, Life, Purpose};
use crate::engine::EngineStatus;

impl Actor {
    /// The failure being recovered from, until the engine is healthy again.
    pub(super) fn recovering_from(&self) -> Option<String> {
        (self.failures > 0).then(|| self.last_failure.clone()).flatten()
    }

    pub(super) fn publish(&self) {
        let status = match &self.life {
            Life::ShutDown => EngineStatus::Stopped,
            Life::Starting | Life::Backoff { .. } => match self.recovering_from() {
                Some(message) => EngineStatus::Recovering { message },
                None => EngineStatus::Starting,
            },
            Life::Failed { message } => EngineStatus::Error {
                message: message.clone(),
            },
            Life::Running => match self.in_flight.as_ref().map(|f| &f.purpose) {
                // Reloading the model after a failure is still part of the recovery.
                Some(Purpose::Load { reply: None, .. }) if self.recovering_from().is_some() => {
                    EngineStatus::Recovering {
                        message: self.recovering_from().unwrap_or_default(),
                    }
                }
                Some(Purpose::Load { .. }) => EngineStatus::Loading,
                Some(Purpose::Generate { job_id, .. }) => EngineStatus::Busy {
                    job: job_id.clone(),
                    model: self.model.clone().unwrap_or_default(),
                },
                _ => match &self.model {
                    Some(model) => EngineStatus::Ready { model: model.clone() },
                    None => match &self.parked {
                        Some(parked) => EngineStatus::Unloaded {
                            model: parked.model_label(),
                        },
                        None => EngineStatus::Idle,
                    },
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
