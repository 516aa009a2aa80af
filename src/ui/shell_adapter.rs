//! ShellAdapter: panel visibility (saved as it changes) and the title bar's window buttons.

use super::{AppWindow, ShellAdapter};
use crate::services::Catalog;
use crate::settings::PanelState;
use crate::ui::StartupView;
use slint::ComponentHandle;

pub fn connect(window: &AppWindow, catalog: Catalog, view: &StartupView) {
    let adapter = window.global::<ShellAdapter>();
    let panels = view.ui_state.panels;
    adapter.set_generation_panel_open(panels.generation_open);
    adapter.set_info_panel_open(panels.info_open);
    // One of the two left panels at a time (an older setting may have both).
    adapter.set_organise_panel_open(panels.organise_open && !panels.generation_open);
    adapter.set_demo_banner_dismissed(view.ui_state.demo_banner_dismissed);
    let weak = window.as_weak();
    let saver = catalog.clone();
    adapter.on_demo_banner_closed(move || {
        if let Some(window) = weak.upgrade() {
            window.global::<ShellAdapter>().set_demo_banner_dismissed(true);
            saver
                .save_demo_banner_dismissed()
                .send("remembering the demo banner was closed");
        }
    });

    let weak = window.as_weak();
    let saver = catalog.clone();
    adapter.on_panels_changed(move || {
        let Some(window) = weak.upgrade() else { return };
        let adapter = window.global::<ShellAdapter>();
        let panels = PanelState {
            generation_open: adapter.get_generation_panel_open(),
            info_open: adapter.get_info_panel_open(),
            organise_open: adapter.get_organise_panel_open(),
        };
        saver.save_panels(panels).send("saving which panels are open");
    });

    let weak = window.as_weak();
    adapter.on_minimize_requested(move || {
        if let Some(window) = weak.upgrade() {
            window.window().set_minimized(true);
        }
    });

    let weak = window.as_weak();
    adapter.on_maximize_toggle_requested(move || {
        if let Some(window) = weak.upgrade() {
            let maximized = !window.window().is_maximized();
            window.window().set_maximized(maximized);
            window.global::<ShellAdapter>().set_maximized(maximized);
        }
    });

    let normal_geometry = std::rc::Rc::new(std::cell::Cell::new(view.ui_state.window));
    let weak = window.as_weak();
    let geometry_saver = catalog.clone();
    let last_normal = normal_geometry.clone();
    adapter.on_close_requested(move || {
        if let Some(window) = weak.upgrade() {
            super::window_geometry::save(window.window(), &geometry_saver, &last_normal);
            // Hiding the last window ends the event loop.
            let _ = window.hide();
        }
    });

    let weak = window.as_weak();
    window.window().on_close_requested(move || {
        if let Some(window) = weak.upgrade() {
            super::window_geometry::save(window.window(), &catalog, &normal_geometry);
        }
        slint::CloseRequestResponse::HideWindow
    });
}
