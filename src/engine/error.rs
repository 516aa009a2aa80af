use super::protocol::ErrorCode;
use std::path::PathBuf;
use std::time::Duration;

/// What can go wrong driving the engine. Messages are for the user; they say what happened
/// and include the engine's last log lines where those explain it.
#[derive(Debug, Clone, thiserror::Error)]
pub enum EngineError {
    #[error("the engine program {path} could not be started: {reason}")]
    Spawn { path: PathBuf, reason: String },

    #[error("{path} does not look like cn-engine: {reason}")]
    NotAnEngine { path: PathBuf, reason: String },

    #[error("Engine exited unexpectedly ({}){}", exit_text(*code), tail_text(stderr_tail))]
    Exited {
        code: Option<i32>,
        stderr_tail: Vec<String>,
    },

    #[error("The engine did not answer {what} within {} s and was restarted{}", after.as_secs(), tail_text(stderr_tail))]
    Timeout {
        what: &'static str,
        after: Duration,
        stderr_tail: Vec<String>,
    },

    #[error("The engine reported {}: {message}", code.as_ref().map(ErrorCode::as_str).unwrap_or("an error"))]
    Engine { code: Option<ErrorCode>, message: String },

    #[error("the engine's output {path} is unusable: {reason}")]
    BadOutput { path: PathBuf, reason: String },

    #[error("the engine sent a reply this version cannot read: {0}")]
    BadReply(String),

    #[error("cancelled")]
    Cancelled,

    #[error("The engine is not running: {0}")]
    Unavailable(String),

    #[error("the engine was shut down")]
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
        Some(code) => format!("code {code}"),
        None => "killed by a signal".to_owned(),
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
