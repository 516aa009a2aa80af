//! The info panel's colour labels and keys 6–9: the current image's label shown, a swatch
//! or a key giving the whole selection a label (the current image's own label again takes
//! it away). Saving and undo are the grid's ([`LibraryController::label_selection`]).

use super::events::WindowEvent;
use super::{AppWindow, InfoAdapter, LibraryAdapter, LibraryController, LoadMode};
use crate::services::Catalog;
use crate::services::model::{Label, MediaId};
use slint::ComponentHandle;
use std::cell::Cell;
use std::rc::{Rc, Weak};

pub struct LabelPicker {
    window: slint::Weak<AppWindow>,
    catalog: Catalog,
    mode: LoadMode,
    grid: Weak<LibraryController>,
    /// Bumped per question, so the answer for an earlier item is dropped.
    serial: Cell<u64>,
    me: Weak<LabelPicker>,
}

pub fn connect(window: &AppWindow, catalog: Catalog, mode: LoadMode, grid: &Rc<LibraryController>) -> Rc<LabelPicker> {
    let picker = Rc::new_cyclic(|me| LabelPicker {
        window: window.as_weak(),
        catalog,
        mode,
        grid: Rc::downgrade(grid),
        serial: Cell::new(0),
        me: me.clone(),
    });
    window.global::<InfoAdapter>().set_label("".into());
    let p = picker.clone();
    window
        .global::<InfoAdapter>()
        .on_label_chosen(move |name| p.give(&name));
    let p = picker.clone();
    window.global::<LibraryAdapter>().on_label_requested(move |name| {
        let current = p.window.upgrade().map(|w| w.global::<InfoAdapter>().get_label());
        // The same key again takes the label away, as in Lightroom.
        if current.as_deref() == Some(name.as_str()) {
            p.give("");
        } else {
            p.give(&name);
        }
    });
    let p = Rc::downgrade(&picker);
    grid.events().subscribe(move |event| {
        if let (WindowEvent::CurrentChanged { item, .. }, Some(picker)) = (event, p.upgrade()) {
            picker.show_label_of(item.as_ref().map(|item| item.id.clone()));
        }
    });
    picker
}

impl LabelPicker {
    /// Gives the selection the label `name` ("" for none).
    fn give(&self, name: &str) {
        let label = match name.trim() {
            "" => None,
            typed => match Label::parse(typed) {
                Ok(label) => Some(label),
                Err(_) => return,
            },
        };
        if let Some(grid) = self.grid.upgrade() {
            grid.label_selection(label);
        }
    }

    fn show_label_of(&self, id: Option<MediaId>) {
        self.serial.set(self.serial.get() + 1);
        let serial = self.serial.get();
        let show = |window: &AppWindow, label: String| window.global::<InfoAdapter>().set_label(label.into());
        let Some(id) = id else {
            if let Some(window) = self.window.upgrade() {
                show(&window, String::new());
            }
            return;
        };
        let me = self.me.clone();
        self.mode.answer(self.catalog.label_of(id), move |label| {
            if let Some(this) = me.upgrade()
                && this.serial.get() == serial
                && let (Ok(label), Some(window)) = (label, this.window.upgrade())
            {
                show(&window, label.unwrap_or_default());
            }
        });
    }
}
