//! Files dropped from the file manager reach the app as winit events: Slint 1.18's winit
//! backend does not pass them on yet, so they are read here and handed to the window's
//! [`FileDrop`](crate::ui::file_drop::FileDrop). On Wayland winit 0.30 delivers none: the
//! window's hints then point to Import and "Open with" instead.

use crate::ui::file_drop::FileDrop;
use slint::winit_030::winit::event::WindowEvent;
use slint::winit_030::{EventResult, WinitWindowAccessor};
use std::rc::Rc;

pub fn connect(app: &crate::ui::AppWindow, drop: Rc<FileDrop>) {
    use slint::ComponentHandle;
    let told = std::cell::Cell::new(false);
    let shell = app.as_weak();
    app.window().on_winit_window_event(move |window, event| {
        // Once the native window exists: on Wayland no drop will come, and the hints say so.
        if !told.replace(true)
            && let Some(app) = shell.upgrade()
        {
            let drops = !window.with_winit_window(on_wayland).unwrap_or(false);
            if !drops {
                tracing::info!("on Wayland files dropped from the file manager do not arrive; the hints say so");
            }
            app.global::<crate::ui::ShellAdapter>().set_os_file_drops(drops);
        }
        match event {
            WindowEvent::HoveredFile(_) => drop.hovered(),
            WindowEvent::HoveredFileCancelled => drop.cancelled(),
            WindowEvent::DroppedFile(path) => drop.dropped(path.clone()),
            WindowEvent::CursorMoved { position, .. } => {
                drop.pointer_moved((position.x / f64::from(window.scale_factor())) as f32);
            }
            _ => {}
        }
        EventResult::Propagate
    });
}

fn on_wayland(window: &slint::winit_030::winit::window::Window) -> bool {
    use slint::winit_030::winit::raw_window_handle::{HasWindowHandle, RawWindowHandle};
    window
        .window_handle()
        .is_ok_and(|handle| matches!(handle.as_raw(), RawWindowHandle::Wayland(_)))
}
