use std::path::PathBuf;
use std::time::Duration;

/// How long each kind of command may take before the engine is considered stuck.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    pub ping: Duration,
    pub load: Duration,
    pub generate: Duration,
    /// Other commands (status, unload, quit).
    pub other: Duration,
    /// A generation that prints nothing for this long is stuck, whatever its total budget.
    pub silence: Duration,
    /// After `quit`, how long to wait for the process to exit before killing it.
    pub quit_grace: Duration,
    /// Limit for `cn-engine --version`.
    pub version: Duration,
}

impl Default for Timeouts {
    /// The protocol document's values.
    fn default() -> Self {
        Self {
            ping: Duration::from_secs(30),
            load: Duration::from_secs(300),
            generate: Duration::from_secs(600),
            other: Duration::from_secs(30),
            silence: Duration::from_secs(120),
            quit_grace: Duration::from_secs(5),
            version: Duration::from_secs(10),
        }
    }
}

/// Everything the engine manager needs to run an engine.
#[derive(Debug, Clone)]
pub struct EngineConfig {
    /// The cn-engine (or cn-engine-sim) binary.
    pub binary: PathBuf,
    /// The engine's working directory (relative output paths land here).
    pub workdir: PathBuf,
    pub timeouts: Timeouts,
    /// Restart n waits n × this after a crash.
    pub restart_backoff: Duration,
    /// Consecutive failed restarts before giving up with an error.
    pub max_restarts: u32,
    /// Extra environment for the engine process (the simulated engine's switches in tests).
    pub env: Vec<(String, String)>,
}

impl EngineConfig {
    pub fn new(binary: PathBuf, workdir: PathBuf) -> Self {
        Self {
            binary,
            workdir,
            timeouts: Timeouts::default(),
            restart_backoff: Duration::from_secs(2),
            max_restarts: 3,
            env: Vec::new(),
        }
    }
}
