//! What the engine's handle sends its actor: the commands, why each engine request was
//! sent (and where its answer goes), and how a running generation is cancelled. Both sides
//! name these; neither names the other's internals.

use super::EngineError;
use super::protocol::{CommandKind, GenerateResult, LoadParams, LoadReply, Progress};
use std::path::PathBuf;
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};

pub(super) type Reply<T> = oneshot::Sender<Result<T, EngineError>>;

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
    pub(super) fn fail(self, error: EngineError) {
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

/// How to cancel a running generation. The protocol has no cancel command, so there are
/// two choices with different costs:
/// - `Soft` lets the engine finish the image and throws the result away (its file is
///   deleted). Nothing is reloaded, so the next job starts as soon as this one would have
///   ended — cheap when the job is nearly done, wasteful when it has just begun.
/// - `Hard` kills the engine at once, restarts it and reloads the model. The next job can
///   start after a restart and model load (seconds for the simulated engine, up to minutes
///   for real weights), but no time is spent finishing an unwanted image.
///
/// A job still waiting in the manager is simply dropped either way.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CancelMode {
    Soft,
    Hard,
}

pub(super) enum ManagerCommand {
    Request {
        kind: CommandKind,
        params: Option<serde_json::Value>,
        purpose: Purpose,
    },
    Cancel {
        job_id: String,
        mode: CancelMode,
    },
    Restart,
    /// Loads the model the user unloaded again (a job is waiting for it).
    Reload,
    SwitchBinary {
        binary: PathBuf,
    },
    Shutdown {
        done: oneshot::Sender<()>,
    },
}
