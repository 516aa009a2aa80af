//! Driving `cn-engine` as a child process: protocol types, the line framing, the process
//! and the manager actor that alone owns it. This module knows nothing of the database.

mod actor;
mod bundled;
mod commands;
mod config;
mod error;
mod handle;
pub mod lines;
pub mod model_check;
mod process;
pub mod protocol;
mod status;
mod stderr_log;

pub use bundled::{bundled_engine_path, demo_engine_path, demo_engine_problem};
pub use config::{EngineConfig, Timeouts};
pub use error::EngineError;
pub use handle::{CancelMode, EngineHandle, GenerateRequest};
pub use process::{engine_version, engine_version_blocking};
pub use status::EngineStatus;
