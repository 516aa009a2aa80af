//! Finished work told by a desktop notification while the window is in the background
//! (unfocused or minimised), unless Settings turns it off. A click on the notification
//! brings the window to the front with the work's image selected in the grid.

use super::events::{WindowEvent, WindowEvents};
use super::library::LibraryController;
use super::{AppWindow, SettingsAdapter};
use crate::desktop::notifications::{Note, Notifier};
use crate::services::Catalog;
use crate::services::finished_work::FinishedWork;
use crate::services::model::MediaId;
use slint::ComponentHandle;
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::{Rc, Weak};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

/// Notifications remembered for their clicks; a click on an older one does nothing.
const REMEMBERED: u64 = 64;

/// The desktop the window tells: whether the window counts as in the background, and where
/// a notification goes. [`Desktop::real`] asks the window system and sends over D-Bus;
/// tests bring their own.
#[derive(Clone)]
pub struct Desktop {
    pub in_background: Rc<dyn Fn(&AppWindow) -> bool>,
    pub send: Rc<dyn Fn(Note)>,
}

impl Desktop {
    /// The window is in the background when the window system says it does not have the
    /// keyboard focus (unfocused, minimised or hidden); notifications go to the session bus.
    pub fn real() -> Self {
        use slint::winit_030::WinitWindowAccessor;
        Self {
            in_background: Rc::new(|window: &AppWindow| {
                !window.window().is_visible() || window.window().with_winit_window(|w| !w.has_focus()).unwrap_or(false)
            }),
            send: Rc::new(|note| notifier().show(note)),
        }
    }
}

thread_local! {
    /// What a click on each notification shows (UI thread only).
    static CLICKABLE: RefCell<HashMap<u64, Rc<dyn Fn()>>> = RefCell::new(HashMap::new());
}

/// The process's one notifier: its thread outlives a window reopened on another library.
fn notifier() -> &'static Notifier {
    static NOTIFIER: OnceLock<Notifier> = OnceLock::new();
    NOTIFIER.get_or_init(|| {
        Notifier::start(|token| {
            let _ = slint::invoke_from_event_loop(move || clicked(token));
        })
    })
}

/// The notification `token` was clicked (UI thread).
pub fn clicked(token: u64) {
    let show = CLICKABLE.with(|clickable| clickable.borrow_mut().remove(&token));
    if let Some(show) = show {
        show();
    }
}

/// Tells finished work in `events` by a notification while `desktop` says the window is in
/// the background, as long as Settings allows (its check box, set from the saved setting
/// as the window was built, is wired here).
pub fn connect(
    window: &AppWindow,
    events: &WindowEvents,
    grid: &Rc<LibraryController>,
    catalog: Catalog,
    desktop: Desktop,
) {
    let adapter = window.global::<SettingsAdapter>();
    let enabled = Rc::new(Cell::new(adapter.get_notify_in_background()));
    let saved = enabled.clone();
    adapter.on_notify_in_background_toggled(move |on| {
        saved.set(on);
        catalog
            .save_notify_in_background(on)
            .send("saving the notification setting");
    });
    let (weak_window, grid) = (window.as_weak(), Rc::downgrade(grid));
    events.subscribe(move |event| {
        let WindowEvent::WorkFinished(told) = event else { return };
        let Some(window) = weak_window.upgrade() else { return };
        if enabled.get() && (desktop.in_background)(&window) {
            let note = remember_click(told, click_shows(&weak_window, &grid, told.show.clone()));
            (desktop.send)(note);
        }
    });
}

/// What a click does: the window to the front, the image (if any) selected in the grid.
fn click_shows(window: &slint::Weak<AppWindow>, grid: &Weak<LibraryController>, show: Option<MediaId>) -> Rc<dyn Fn()> {
    let (window, grid) = (window.clone(), grid.clone());
    Rc::new(move || {
        if let Some(window) = window.upgrade() {
            super::handover::raise(&window);
        }
        if let (Some(grid), Some(id)) = (grid.upgrade(), show.clone()) {
            grid.go_to(id);
        }
    })
}

/// The notification for `told`, its click remembered.
fn remember_click(told: &FinishedWork, on_click: Rc<dyn Fn()>) -> Note {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    let token = NEXT.fetch_add(1, Ordering::Relaxed);
    CLICKABLE.with(|clickable| {
        let mut clickable = clickable.borrow_mut();
        clickable.retain(|older, _| older + REMEMBERED > token);
        clickable.insert(token, on_click);
    });
    tracing::info!(title = told.title, body = told.body, "telling of finished work");
    Note {
        title: told.title.clone(),
        body: told.body.clone(),
        failed: told.failed,
        clickable: true,
        token,
    }
}
