//! Rendering the real main window without a display (`distillery snapshot`): the software
//! renderer into an offscreen window, with every page, thumbnail and decode the frame asks
//! for loaded first, so the picture is what a user sees once the window has settled.

use super::{LoadMode, StartupView, build_main_window};
use crate::cli::SnapshotView;
use crate::services::Catalog;
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

/// The offscreen window every later Slint window of this process is drawn into.
pub struct Offscreen {
    window: Rc<MinimalSoftwareWindow>,
}

/// Chooses the offscreen platform. Call it before anything else touches Slint.
pub fn start_offscreen() -> Result<Offscreen, String> {
    let window = MinimalSoftwareWindow::new(RepaintBufferType::NewBuffer);
    slint::platform::set_platform(Box::new(HeadlessPlatform {
        window: window.clone(),
        started: Instant::now(),
    }))
    .map_err(|error| format!("cannot start the offscreen renderer: {error}"))?;
    Ok(Offscreen { window })
}

impl Offscreen {
    /// The main window over `catalog` at `width`×`height`, showing `shown`, as RGB pixels.
    pub fn render(
        &self,
        catalog: &Catalog,
        view: &StartupView,
        shown: SnapshotView,
        (width, height): (u32, u32),
    ) -> Result<image::RgbImage, String> {
        let main = build_main_window(catalog, view, LoadMode::OnDemand).map_err(|e| e.to_string())?;
        main.window.show().map_err(|e| e.to_string())?;
        self.window.set_size(PhysicalSize::new(width, height));
        let frame = || render(&self.window, width, height);

        // Render, load what the frame asked for (pages, thumbnails), and render again until
        // nothing is missing.
        let mut pixels = frame();
        for _ in 0..4 {
            if main.library.drain_blocking() == 0 {
                break;
            }
            pixels = frame();
        }
        match shown {
            SnapshotView::Grid => {}
            SnapshotView::Loupe => {
                // Decodes on demand here: drained before each frame until nothing is left.
                main.loupe.open();
                for _ in 0..4 {
                    let loaded = main.library.drain_blocking() + main.loupe.drain_blocking();
                    pixels = frame();
                    if loaded == 0 {
                        break;
                    }
                }
            }
            SnapshotView::Compare => {
                // The selected image (the first if none is) against the next one.
                if main.library.selection().is_empty() {
                    main.library.select_single_at(0);
                }
                main.compare.open();
                for _ in 0..4 {
                    let loaded = main.library.drain_blocking();
                    main.compare.refresh();
                    pixels = frame();
                    if loaded == 0 {
                        break;
                    }
                }
            }
            SnapshotView::Settings => {
                // Reads the settings and checks the stored paths at once (on demand).
                main.settings.open();
                pixels = frame();
            }
        }
        main.window.hide().map_err(|e| e.to_string())?;
        image::RgbImage::from_raw(width, height, pixels.as_bytes().to_vec())
            .ok_or_else(|| "the rendered frame has the wrong size".to_owned())
    }
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
