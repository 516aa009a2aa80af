//! `distillery snapshot`: renders the real main window with the software renderer, without a
//! display, and writes a PNG. Used to look at the UI in CI and on headless machines.

use super::AppContext;
use crate::cli::{GlobalOptions, SnapshotArgs};
use anyhow::Context as _;
use std::time::Instant;

/// `started` is when the process started: the time to the painted grid is reported from it.
pub fn run(global: &GlobalOptions, args: &SnapshotArgs, started: Instant) -> anyhow::Result<()> {
    // The platform must be chosen before anything else touches Slint.
    let offscreen = crate::ui::snapshot::start_offscreen().map_err(anyhow::Error::msg)?;
    let ctx = AppContext::open(global)?;
    let view = ctx.load_startup_view()?;
    let image = offscreen
        .render(&ctx.catalog(), &view, args.view, (args.size.width, args.size.height))
        .map_err(anyhow::Error::msg)?;
    let painted = started.elapsed();
    image
        .save_with_format(&args.out, image::ImageFormat::Png)
        .with_context(|| format!("cannot write {}", args.out.display()))?;
    ctx.close();
    eprintln!(
        "wrote {} ({}x{}); painted with thumbnails {:.1} ms after start",
        args.out.display(),
        args.size.width,
        args.size.height,
        painted.as_secs_f64() * 1000.0
    );
    Ok(())
}
