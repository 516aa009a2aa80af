//! What the main window shows the moment it opens, read by the app before the event loop
//! starts.

use crate::settings::UiState;
use std::path::PathBuf;

/// What the main window shows the moment it opens.
#[derive(Debug, Clone)]
pub struct StartupView {
    pub ui_state: UiState,
    pub total_count: i64,
    /// Items matching the saved grid filter.
    pub filtered_count: i64,
    pub library_root: PathBuf,
    /// What the Settings dialog cannot change for this run.
    pub settings_context: super::settings_dialog::DialogContext,
}
