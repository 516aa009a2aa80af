//! A later `distillery FILES...` on a library whose window is open hands the files over: the
//! open window comes to the front and imports them. The listener runs on another thread;
//! the window is reached on the UI thread through the event loop.

use super::AppWindow;
use super::import_runner::ImportRunner;
use slint::ComponentHandle;
use std::cell::RefCell;
use std::path::PathBuf;
use std::rc::{Rc, Weak};

/// What the open window does with files a later window hands it.
type Receive = Rc<dyn Fn(Vec<PathBuf>)>;

thread_local! {
    /// The open window's [`Receive`] (UI thread only).
    static OPEN_WINDOW: RefCell<Option<Receive>> = const { RefCell::new(None) };
}

/// From any thread: the open window (if any) comes to the front and imports `files`.
pub fn deliver(files: Vec<PathBuf>) {
    let _ = slint::invoke_from_event_loop(move || {
        let receive = OPEN_WINDOW.with(|slot| slot.borrow().clone());
        if let Some(receive) = receive {
            receive(files);
        }
    });
}

/// Makes `window` the one handed-over files go to, until [`release`].
pub(super) fn receive_in(window: &AppWindow, import: Weak<ImportRunner>) {
    let raised = window.as_weak();
    OPEN_WINDOW.with(|slot| {
        *slot.borrow_mut() = Some(Rc::new(move |files: Vec<PathBuf>| {
            if let Some(window) = raised.upgrade() {
                raise(&window);
            }
            if let Some(import) = import.upgrade().filter(|_| !files.is_empty()) {
                import.start(files);
            }
        }));
    });
}

/// The window closed: handed-over files wait for the next one (or open their own).
pub(super) fn release() {
    OPEN_WINDOW.with(|slot| slot.borrow_mut().take());
}

/// Brings the window to the front: shown, not minimised, focused (as far as the window
/// manager allows).
pub(super) fn raise(window: &AppWindow) {
    use slint::winit_030::WinitWindowAccessor;
    let _ = window.show();
    window.window().with_winit_window(|winit| {
        winit.set_minimized(false);
        winit.focus_window();
    });
}

/// From any thread (a stop signal): the window's event loop ends, as if it were closed.
pub fn quit_window() {
    let _ = slint::invoke_from_event_loop(|| {
        let _ = slint::quit_event_loop();
    });
}
