//! Start-up and wiring: the only module that sees every other one.

mod context;
mod first_frame;
pub mod snapshot;

pub use context::{AppContext, StartupView, default_data_dir, resolve_data_dir};

use crate::cli::GlobalOptions;
use slint::ComponentHandle;
use std::time::Instant;

/// Opens the main window and runs until it is closed.
pub fn run(global: &GlobalOptions, started: Instant) -> anyhow::Result<()> {
    let ctx = AppContext::open(global)?;
    let view = ctx.load_startup_view()?;
    let window = crate::ui::build_main_window(&ctx.db, &view)?;
    crate::ui::restore_window_geometry(&window, view.ui_state.window);
    if global.report_first_frame {
        first_frame::report_and_quit(&window, started);
    }
    window.run()?;
    // Settings saved by the last callbacks are on the database thread's queue; wait for them.
    ctx.db.flush_blocking()?;
    Ok(())
}
