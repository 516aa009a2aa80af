/// The engine's state as the rest of the app sees it (published on a `watch` channel).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EngineStatus {
    /// Not started, or shut down.
    Stopped,
    /// Starting, or restarting after a crash.
    Starting,
    /// Running with no model loaded.
    Idle,
    /// The user unloaded `model` to free memory; it loads again when a job needs it.
    Unloaded { model: String },
    /// Loading a model.
    Loading,
    /// A model is loaded and the engine is waiting for work.
    Ready { model: String },
    /// Generating the given job.
    Busy { job: String, model: String },
    /// Failed (crashed, hung, or would not start) and starting again by itself; `message`
    /// says what went wrong. Ends when the engine is healthy again (with its model, if it
    /// had one), or in `Error` after too many attempts.
    Recovering { message: String },
    /// Failed and not recovering by itself.
    Error { message: String },
}

impl EngineStatus {
    /// The status bar's words for this state, in the user's language.
    pub fn label(&self) -> String {
        use crate::i18n::{fill, tr};
        match self {
            EngineStatus::Stopped => tr("Engine stopped"),
            EngineStatus::Starting => tr("Starting engine…"),
            EngineStatus::Idle => tr("Engine idle — no model loaded"),
            EngineStatus::Unloaded { model } => {
                fill(&tr("Model unloaded: {} (loads again for the next image)"), &[model])
            }
            EngineStatus::Loading => tr("Loading model…"),
            EngineStatus::Ready { model } => fill(&tr("Model loaded: {}"), &[model]),
            EngineStatus::Busy { model, .. } => fill(&tr("Generating with {}"), &[model]),
            EngineStatus::Recovering { message } => fill(&tr("Engine error, restarting: {}"), &[message]),
            EngineStatus::Error { message } => fill(&tr("Engine error: {}"), &[message]),
        }
    }

    pub fn is_ready(&self) -> bool {
        matches!(self, EngineStatus::Ready { .. })
    }
}
