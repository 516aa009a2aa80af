use super::protocol::ErrorCode;
use std::path::PathBuf;
use std::time::Duration;

/// What can go wrong driving the engine. Messages are for the user; they say what happened
/// and include the engine's last log lines where those explain it.
#[derive(Debug, Clone, thiserror::Error)]
pub enum EngineError {
    #[error("{}", crate::i18n::fill(&crate::i18n::tr("the engine program {} could not be started: {}"), &[&.path.display().to_string(), &.reason.to_string()]))]
    Spawn { path: PathBuf, reason: String },

    #[error("{}", crate::i18n::fill(&crate::i18n::tr("{} does not look like cn-engine: {}"), &[&.path.display().to_string(), &.reason.to_string()]))]
    NotAnEngine { path: PathBuf, reason: String },

    // The engine's own lines stay as it wrote them, after a marker the queue panel splits at.
    #[error("{}{}", crate::i18n::fill(&crate::i18n::tr("Engine exited unexpectedly ({})"), &[&exit_text(*code)]), tail_text(stderr_tail))]
    Exited {
        code: Option<i32>,
        stderr_tail: Vec<String>,
    },

    #[error("{}{}", crate::i18n::fill(&crate::i18n::tr("The engine did not answer {} within {} s and was restarted"), &[&crate::i18n::tr(what), &after.as_secs().to_string()]), tail_text(stderr_tail))]
    Timeout {
        what: &'static str,
        after: Duration,
        stderr_tail: Vec<String>,
    },

    #[error("{}", crate::i18n::fill(&crate::i18n::tr("The engine reported {}: {}"), &[code.as_ref().map(ErrorCode::as_str).unwrap_or(&crate::i18n::tr("an error")), message]))]
    Engine { code: Option<ErrorCode>, message: String },

    #[error("{}", crate::i18n::fill(&crate::i18n::tr("the engine's output {} is unusable: {}"), &[&.path.display().to_string(), &.reason.to_string()]))]
    BadOutput { path: PathBuf, reason: String },

    #[error("{}", crate::i18n::fill(&crate::i18n::tr("the engine sent a reply this version cannot read: {}"), &[&.0.to_string()]))]
    BadReply(String),

    #[error("cancelled")]
    Cancelled,

    #[error("{}", crate::i18n::fill(&crate::i18n::tr("The engine is not running: {}"), &[&.0.to_string()]))]
    Unavailable(String),

    #[error("{}", crate::i18n::tr("the engine was shut down"))]
    ShutDown,
}

impl EngineError {
    /// The engine's error code, when the engine itself reported the failure.
    pub fn code(&self) -> Option<&ErrorCode> {
        match self {
            EngineError::Engine { code, .. } => code.as_ref(),
            _ => None,
        }
    }
}

fn exit_text(code: Option<i32>) -> String {
    match code {
        Some(code) => crate::i18n::fill(&crate::i18n::tr("code {}"), &[&code.to_string()]),
        None => crate::i18n::tr("killed by a signal"),
    }
}

fn tail_text(tail: &[String]) -> String {
    if tail.is_empty() {
        String::new()
    } else {
        let last: Vec<&str> = tail.iter().rev().take(5).rev().map(String::as_str).collect();
        format!(". Last engine messages:\n{}", last.join("\n"))
    }
}
