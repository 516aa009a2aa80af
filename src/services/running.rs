//! Everything the window works with, started before it opens: the catalogue, the engine, the
//! generation queue (its recovery already done) and the runtime they run on. `app` builds one
//! [`Services`] per window and hands it whole to the window, so nothing is bound late.

use super::catalog::Catalog;
use crate::engine::EngineHandle;
use crate::queue::QueueHandle;
use crate::settings::CheckedSettings;
use std::rc::Rc;

/// Saved settings reaching the running engine: another binary, other model files or load
/// options restart or reload it; new jobs record the new model. Answers whether the engine
/// now runs the simulated (demo) engine, or `None` when the settings could not be planned.
pub type ApplyEngineSettings = Rc<dyn Fn(&CheckedSettings) -> Option<bool>>;

/// What one window of one library is served by.
pub struct Services {
    pub catalog: Catalog,
    /// Where the services' async work runs (the window's thread belongs to Slint).
    pub runtime: tokio::runtime::Handle,
    pub engine: EngineHandle,
    /// The queue Generate submits to, or why there is none (a read-only library, a queue
    /// that could not start), in words for the generation panel.
    pub queue: Result<QueueHandle, String>,
    /// The engine runs the simulated engine (the status bar says so).
    pub demo_engine: bool,
    pub apply_engine_settings: ApplyEngineSettings,
}
