//! The Slint side: generated components and one adapter per global of `ui/adapters/`.
//! Only this module uses slint types; callbacks send work to services and never block.

slint::include_modules!();

mod engine_adapter;
mod library_adapter;
mod shell_adapter;
mod window_geometry;

pub use engine_adapter::connect as connect_engine_status;
pub use window_geometry::restore_window_geometry;

use crate::app::StartupView;
use crate::db::Database;

/// Builds the main window with every adapter connected to its service.
pub fn build_main_window(db: &Database, view: &StartupView) -> Result<AppWindow, slint::PlatformError> {
    let window = AppWindow::new()?;
    shell_adapter::connect(&window, db.clone(), view);
    library_adapter::connect(&window, view);
    Ok(window)
}
