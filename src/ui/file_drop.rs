//! Files dropped from the file manager. The desktop tells the app which files were dropped
//! but not where: the pointer position comes with the first pointer move after the drop
//! (the drag's pointer grab ends there). Files dropped on the generation panel become
//! references (and are imported too); anywhere else they are imported into the library. While files hover, the
//! window shows both targets.

use super::reference_tray::ReferenceTray;
use super::{AppWindow, ShellAdapter};
use crate::generation::ReferenceSource;
use slint::ComponentHandle;
use std::cell::{Cell, RefCell};
use std::path::PathBuf;
use std::rc::{Rc, Weak};
use std::time::Duration;

/// Imports files into the library (the import service).
pub type ImportFiles = Rc<dyn Fn(Vec<PathBuf>)>;

/// How long to wait for the pointer's position after a drop before deciding without it.
const WAIT_FOR_POSITION: Duration = Duration::from_millis(250);

pub struct FileDrop {
    window: slint::Weak<AppWindow>,
    tray: Weak<ReferenceTray>,
    import: RefCell<Option<ImportFiles>>,
    pending: RefCell<Vec<PathBuf>>,
    /// The pointer's last known x in logical pixels.
    pointer_x: Cell<Option<f32>>,
    timer: slint::Timer,
    me: Weak<FileDrop>,
}

impl FileDrop {
    pub fn new(window: &AppWindow, tray: &Rc<ReferenceTray>) -> Rc<Self> {
        Rc::new_cyclic(|me| FileDrop {
            window: window.as_weak(),
            tray: Rc::downgrade(tray),
            import: RefCell::new(None),
            pending: RefCell::new(Vec::new()),
            pointer_x: Cell::new(None),
            timer: slint::Timer::default(),
            me: me.clone(),
        })
    }

    /// Where files dropped outside the generation panel go.
    pub fn set_import(&self, import: ImportFiles) {
        *self.import.borrow_mut() = Some(import);
    }

    /// Files are being dragged over the window.
    pub fn hovered(&self) {
        self.show_targets(true);
    }

    /// The drag left the window or was abandoned.
    pub fn cancelled(&self) {
        self.show_targets(false);
    }

    /// One file of a drop (a drop of several arrives as one call each).
    pub fn dropped(&self, path: PathBuf) {
        self.show_targets(false);
        self.pending.borrow_mut().push(path);
        if !self.timer.running() {
            // The position is the next pointer move's, if one comes soon.
            self.pointer_x.set(None);
            let me = self.me.clone();
            self.timer
                .start(slint::TimerMode::SingleShot, WAIT_FOR_POSITION, move || {
                    if let Some(drop) = me.upgrade() {
                        drop.deliver();
                    }
                });
        }
    }

    /// The pointer moved (x in logical pixels); delivers a drop waiting for its position.
    pub fn pointer_moved(&self, x: f32) {
        self.pointer_x.set(Some(x));
        if !self.pending.borrow().is_empty() {
            self.timer.stop();
            self.deliver();
        }
    }

    /// Hands the dropped files to the references or the import. Without a position, files
    /// are imported (the larger target), or become references if there is no import.
    fn deliver(&self) {
        let files = std::mem::take(&mut *self.pending.borrow_mut());
        let Some(window) = self.window.upgrade() else { return };
        if files.is_empty() {
            return;
        }
        let shell = window.global::<ShellAdapter>();
        let panel_right = shell.get_generation_panel_right();
        let import = self.import.borrow().clone();
        let on_panel = match self.pointer_x.get() {
            Some(x) => shell.get_generation_panel_open() && x < panel_right,
            None => import.is_none(),
        };
        tracing::info!(files = files.len(), on_panel, "files dropped from the file manager");
        if on_panel && let Some(tray) = self.tray.upgrade() {
            tray.add(files.iter().cloned().map(ReferenceSource::File).collect());
            super::generation_panel::open(&window);
        }
        if let Some(import) = import {
            import(files);
        }
    }

    fn show_targets(&self, shown: bool) {
        if let Some(window) = self.window.upgrade() {
            window.global::<ShellAdapter>().set_files_hovering(shown);
        }
    }
}
