//! Restoring and saving the window's place and size.

use super::{AppWindow, ShellAdapter};
use crate::services::Catalog;
use crate::settings::{ScreenRect, WindowGeometry, clamp_to_screens};
use slint::winit_030::WinitWindowAccessor;
use slint::{ComponentHandle, PhysicalPosition, PhysicalSize};
use std::cell::Cell;
use std::time::Duration;

/// The window's minimum size, as declared in app-window.slint.
const MIN_SIZE: (u32, u32) = (960, 600);

/// Applies the saved geometry before the window is shown, then, once the window exists and
/// the screens are known, pulls it back onto a screen if it would be off-screen.
pub fn restore_window_geometry(window: &AppWindow, saved: Option<WindowGeometry>) {
    let Some(saved) = saved else { return };
    apply(window.window(), saved);
    let weak = window.as_weak();
    slint::Timer::single_shot(Duration::ZERO, move || {
        let Some(window) = weak.upgrade() else { return };
        let screens = window
            .window()
            .with_winit_window(|native| {
                native
                    .available_monitors()
                    .map(|monitor| ScreenRect {
                        x: monitor.position().x,
                        y: monitor.position().y,
                        width: monitor.size().width,
                        height: monitor.size().height,
                    })
                    .collect::<Vec<_>>()
            })
            .unwrap_or_default();
        let clamped = clamp_to_screens(saved, &screens, MIN_SIZE);
        if clamped != saved {
            tracing::info!(?saved, ?clamped, "moved the window back onto a screen");
            apply(window.window(), clamped);
        }
        window
            .global::<ShellAdapter>()
            .set_maximized(window.window().is_maximized());
    });
}

fn apply(window: &slint::Window, geometry: WindowGeometry) {
    window.set_size(PhysicalSize::new(geometry.width, geometry.height));
    window.set_position(PhysicalPosition::new(geometry.x, geometry.y));
    if geometry.maximized {
        window.set_maximized(true);
    }
}

/// Saves where the window is. A maximised window keeps its last normal size, so restoring
/// it un-maximises to something sensible.
pub fn save(window: &slint::Window, catalog: &Catalog, last_normal: &Cell<Option<WindowGeometry>>) {
    let maximized = window.is_maximized();
    let geometry = if maximized {
        match last_normal.get() {
            Some(normal) => WindowGeometry {
                maximized: true,
                ..normal
            },
            None => current(window, true),
        }
    } else {
        current(window, false)
    };
    last_normal.set(Some(geometry));
    catalog.save_window(geometry).send("saving the window's size and place");
}

fn current(window: &slint::Window, maximized: bool) -> WindowGeometry {
    let position = window.position();
    let size = window.size();
    WindowGeometry {
        x: position.x,
        y: position.y,
        width: size.width,
        height: size.height,
        maximized,
    }
}
