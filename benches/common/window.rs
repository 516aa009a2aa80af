//! A window for the benchmarks that paints the way the real window does. The testing
//! backend's `take_snapshot` renders into a premultiplied buffer it allocates and then
//! un-premultiplies every pixel into a second one, which costs more than the frame itself;
//! the winit backend instead renders straight into the window's 32-bit buffer. Frames here
//! are rendered like that: into a reused 0xAARRGGBB buffer, with every pixel repainted.

use slint::PhysicalSize;
use slint::platform::software_renderer::{
    MinimalSoftwareWindow, PremultipliedRgbaColor, RepaintBufferType, TargetPixel,
};
use slint::platform::{Platform, WindowAdapter};
use std::cell::RefCell;
use std::rc::Rc;

/// One window's pixel as the desktop's software surface holds it (what the winit backend
/// renders into).
#[repr(transparent)]
#[derive(Clone, Copy, Default)]
pub struct WindowPixel(pub u32);

impl From<WindowPixel> for PremultipliedRgbaColor {
    fn from(pixel: WindowPixel) -> Self {
        let v = pixel.0;
        PremultipliedRgbaColor {
            red: (v >> 16) as u8,
            green: (v >> 8) as u8,
            blue: v as u8,
            alpha: (v >> 24) as u8,
        }
    }
}

impl TargetPixel for WindowPixel {
    fn blend(&mut self, color: PremultipliedRgbaColor) {
        let mut under = PremultipliedRgbaColor::from(*self);
        under.blend(color);
        self.0 = (under.alpha as u32) << 24 | (under.red as u32) << 16 | (under.green as u32) << 8 | under.blue as u32;
    }

    fn from_rgb(r: u8, g: u8, b: u8) -> Self {
        Self(0xff00_0000 | (r as u32) << 16 | (g as u32) << 8 | b as u32)
    }

    fn background() -> Self {
        Self(0)
    }
}

/// Makes a new window for each window the app creates (a bench may open the app twice), and
/// remembers the newest for painting.
struct BenchPlatform {
    newest: Rc<RefCell<Option<Rc<MinimalSoftwareWindow>>>>,
}

impl Platform for BenchPlatform {
    fn create_window_adapter(&self) -> Result<Rc<dyn WindowAdapter>, slint::PlatformError> {
        let window = MinimalSoftwareWindow::new(RepaintBufferType::NewBuffer);
        *self.newest.borrow_mut() = Some(window.clone());
        Ok(window)
    }
}

/// The newest window of this process, painting every pixel of every frame (a window whose
/// whole content changed, the most a frame can cost).
pub struct BenchWindow {
    newest: Rc<RefCell<Option<Rc<MinimalSoftwareWindow>>>>,
    buffer: RefCell<Vec<WindowPixel>>,
}

impl BenchWindow {
    /// Installs the platform; call once, before any window is made.
    pub fn install() -> Self {
        let newest = Rc::new(RefCell::new(None));
        slint::platform::set_platform(Box::new(BenchPlatform { newest: newest.clone() }))
            .expect("no platform installed yet");
        Self {
            newest,
            buffer: RefCell::new(Vec::new()),
        }
    }

    /// Renders one full frame of the newest window at its size.
    pub fn paint(&self) {
        let Some(window) = self.newest.borrow().clone() else {
            return;
        };
        let PhysicalSize { width, height } = window.size();
        let mut buffer = self.buffer.borrow_mut();
        buffer.resize(width as usize * height as usize, WindowPixel::default());
        window.request_redraw();
        window.draw_if_needed(|renderer| {
            renderer.render(&mut buffer, width as usize);
        });
    }
}

/// The main window at 1280×800 over the library in `dir` (library/ and data/), loading on
/// demand, with everything the first frames asked for loaded.
pub fn open_window(
    screen: &BenchWindow,
    dir: &std::path::Path,
) -> (distillery::app::AppContext, distillery::ui::MainWindow) {
    use slint::ComponentHandle;
    let ctx = distillery::app::AppContext::open(&super::options(dir)).unwrap();
    let view = ctx.load_startup_view().unwrap();
    let main = distillery::ui::build_main_window(&ctx.catalog(), &view, distillery::ui::LoadMode::OnDemand).unwrap();
    main.window.show().unwrap();
    main.window.window().set_size(slint::LogicalSize::new(1280.0, 800.0));
    settle(screen, &main);
    (ctx, main)
}

/// Paints, loads what the frame asked for (pages, thumbnails, decodes), and repeats until
/// nothing is missing.
pub fn settle(screen: &BenchWindow, main: &distillery::ui::MainWindow) {
    for _ in 0..8 {
        screen.paint();
        if main.library.drain_blocking() + main.loupe.drain_blocking() == 0 {
            return;
        }
    }
}

/// Presses and releases a key (a character, or a `slint::platform::Key`).
pub fn key(main: &distillery::ui::MainWindow, text: impl Into<slint::SharedString>) {
    use slint::ComponentHandle;
    use slint::platform::WindowEvent;
    let text = text.into();
    main.window
        .window()
        .dispatch_event(WindowEvent::KeyPressed { text: text.clone() });
    main.window.window().dispatch_event(WindowEvent::KeyReleased { text });
}
