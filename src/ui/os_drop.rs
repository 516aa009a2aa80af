//! Files dropped from the file manager reach the app as winit events: Slint 1.18's winit
//! backend does not pass them on yet, so they are read here and handed to the window's
//! [`FileDrop`](crate::ui::file_drop::FileDrop).

use crate::ui::file_drop::FileDrop;
use slint::winit_030::winit::event::WindowEvent;
use slint::winit_030::{EventResult, WinitWindowAccessor};
use std::rc::Rc;

pub fn connect(window: &slint::Window, drop: Rc<FileDrop>) {
    window.on_winit_window_event(move |window, event| {
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
