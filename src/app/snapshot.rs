//! `distillery snapshot`: renders the real main window with the software renderer, without a
//! display, and writes a PNG. Used to look at the UI in CI and on headless machines.

use super::AppContext;
use crate::cli::{GlobalOptions, SnapshotArgs};
use anyhow::Context as _;
use slint::platform::software_renderer::{MinimalSoftwareWindow, RepaintBufferType};
use slint::platform::{Platform, WindowAdapter};
use slint::{ComponentHandle, PhysicalSize, Rgb8Pixel, SharedPixelBuffer};
use std::rc::Rc;
use std::time::{Duration, Instant};

/// A Slint platform with one offscreen window and no event loop.
struct HeadlessPlatform {
    window: Rc<MinimalSoftwareWindow>,
    started: Instant,
}

impl Platform for HeadlessPlatform {
    fn create_window_adapter(&self) -> Result<Rc<dyn WindowAdapter>, slint::PlatformError> {
        Ok(self.window.clone())
    }

    fn duration_since_start(&self) -> Duration {
        self.started.elapsed()
    }
}

/// `started` is when the process started: the time to the painted grid is reported from it.
pub fn run(global: &GlobalOptions, args: &SnapshotArgs, started: Instant) -> anyhow::Result<()> {
    // The platform must be chosen before anything else touches Slint.
    let offscreen = MinimalSoftwareWindow::new(RepaintBufferType::NewBuffer);
    slint::platform::set_platform(Box::new(HeadlessPlatform {
        window: offscreen.clone(),
        started: Instant::now(),
    }))
    .map_err(|error| anyhow::anyhow!("cannot start the offscreen renderer: {error}"))?;

    let ctx = AppContext::open(global)?;
    let view = ctx.load_startup_view()?;
    let main = crate::ui::build_main_window(&ctx.catalog(), &view, crate::ui::LoadMode::OnDemand)?;
    let window = &main.window;
    window.show()?;
    offscreen.set_size(PhysicalSize::new(args.size.width, args.size.height));

    // Render, load what the frame asked for (pages, thumbnails), and render again until
    // nothing is missing, so the snapshot shows the grid as a user sees it once loaded.
    let mut pixels = render(&offscreen, args.size.width, args.size.height);
    for _ in 0..4 {
        if main.library.drain_blocking() == 0 {
            break;
        }
        pixels = render(&offscreen, args.size.width, args.size.height);
    }
    if args.view == crate::cli::SnapshotView::Loupe {
        // Decodes on demand here: drained before each frame until nothing is left.
        main.loupe.open();
        for _ in 0..4 {
            let loaded = main.library.drain_blocking() + main.loupe.drain_blocking();
            pixels = render(&offscreen, args.size.width, args.size.height);
            if loaded == 0 {
                break;
            }
        }
    }
    if args.view == crate::cli::SnapshotView::Compare {
        // The selected image (the first if none is) against the next one, decoded on demand.
        if main.library.selection().is_empty() {
            main.library.select_single_at(0);
        }
        main.compare.open();
        for _ in 0..4 {
            let loaded = main.library.drain_blocking();
            main.compare.refresh();
            pixels = render(&offscreen, args.size.width, args.size.height);
            if loaded == 0 {
                break;
            }
        }
    }
    if args.view == crate::cli::SnapshotView::Settings {
        // Reads the settings and checks the stored paths at once (on demand).
        main.settings.open();
        pixels = render(&offscreen, args.size.width, args.size.height);
    }
    let painted = started.elapsed();
    window.hide()?;
    let image = image::RgbImage::from_raw(args.size.width, args.size.height, pixels.as_bytes().to_vec())
        .context("the rendered frame has the wrong size")?;
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

fn render(window: &MinimalSoftwareWindow, width: u32, height: u32) -> SharedPixelBuffer<Rgb8Pixel> {
    let mut buffer = SharedPixelBuffer::<Rgb8Pixel>::new(width, height);
    // Let layout settle and any zero-length timers run before painting.
    slint::platform::update_timers_and_animations();
    window.request_redraw();
    window.draw_if_needed(|renderer| {
        renderer.render(buffer.make_mut_slice(), width as usize);
    });
    buffer
}
