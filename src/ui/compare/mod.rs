//! CompareAdapter: two to four images side by side at fit, zoomed and panned together (the
//! zoom and pan live in the adapter, shared by every pane).
//!
//! With two images it is Photo Mechanic's anchored compare: the left one is the best so far
//! and the arrows step the right one (the candidate) through the view; ↑ makes the
//! candidate the best. The focused pane's image is the library's current item and its only
//! selected one, so the culling keys, undo and the info panel act on it with nothing extra.
//! Escape gives the compared images back to the grid as its selection.

mod decoding;

use super::library::LibraryController;
use super::{AppWindow, CompareAdapter, ComparePane, LoadMode, LoupeAdapter};
use crate::services::Catalog;
use crate::services::model::MediaId;
use decoding::Decoded;
use slint::{ComponentHandle, Model, ModelRc, VecModel};
use std::cell::{Cell, RefCell};
use std::collections::HashMap;
use std::rc::{Rc, Weak};

/// The most images compared at once.
pub const MAX_PANES: usize = 4;

/// One compared image: where it is in the view, and which item it is once known (a
/// candidate stepped onto an unloaded page is known by position until the page arrives).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Pane {
    position: usize,
    id: Option<MediaId>,
}

pub struct CompareController {
    window: slint::Weak<AppWindow>,
    grid: Weak<LibraryController>,
    catalog: Catalog,
    mode: LoadMode,
    panes: RefCell<Vec<Pane>>,
    /// What the adapter shows; rows are updated in place, so a pane being pressed or
    /// dragged is not rebuilt under the pointer.
    model: Rc<VecModel<ComparePane>>,
    focused: Cell<usize>,
    /// Decoded images of the panes (and the next candidate), by item.
    decoded: RefCell<HashMap<MediaId, Rc<Decoded>>>,
    /// Decodes under way, so none is asked for twice.
    decoding: RefCell<Vec<MediaId>>,
    me: Weak<CompareController>,
}

pub fn connect(
    window: &AppWindow,
    catalog: Catalog,
    mode: LoadMode,
    grid: &Rc<LibraryController>,
) -> Rc<CompareController> {
    let compare = Rc::new_cyclic(|me| CompareController {
        window: window.as_weak(),
        grid: Rc::downgrade(grid),
        catalog,
        mode,
        panes: RefCell::new(Vec::new()),
        model: Rc::new(VecModel::default()),
        focused: Cell::new(0),
        decoded: RefCell::new(HashMap::new()),
        decoding: RefCell::new(Vec::new()),
        me: me.clone(),
    });
    let adapter = window.global::<CompareAdapter>();
    adapter.set_open(false);
    adapter.set_panes(ModelRc::from(
        compare.model.clone() as Rc<dyn slint::Model<Data = ComparePane>>
    ));
    let with = super::while_alive(&compare);
    let w = with.clone();
    adapter.on_open_requested(move || w(&|c| c.open()));
    let w = with.clone();
    adapter.on_close_requested(move || w(&|c| c.close()));
    let w = with.clone();
    adapter.on_step(move |delta| w(&|c| c.step(delta)));
    let w = with.clone();
    adapter.on_promote(move || w(&|c| c.promote()));
    let w = with.clone();
    adapter.on_keep_focused(move || w(&|c| c.keep_focused()));
    let w = with.clone();
    adapter.on_focus_pane(move |index| w(&|c| c.focus(index.max(0) as usize)));
    let w = with.clone();
    adapter.on_next_pane(move || w(&|c| c.next_pane()));
    let w = with;
    grid.events().subscribe(move |event| {
        if let super::events::WindowEvent::CurrentChanged { .. } = event {
            w(&|c| c.show());
        }
    });
    compare
}

impl CompareController {
    fn is_open(&self) -> bool {
        self.window
            .upgrade()
            .is_some_and(|w| w.global::<CompareAdapter>().get_open())
    }

    fn adapter_do(&self, f: impl FnOnce(&CompareAdapter)) {
        if let Some(window) = self.window.upgrade() {
            f(&window.global::<CompareAdapter>());
        }
    }

    /// C: the selected images (two to four, in view order), or the current one with the
    /// next as the candidate.
    pub fn open(&self) {
        let Some(grid) = self.grid.upgrade() else { return };
        let selected = grid.selection_in_view_order();
        let mut panes: Vec<Pane> = selected
            .iter()
            .filter_map(|id| {
                grid.position_of(id).map(|position| Pane {
                    position,
                    id: Some(id.clone()),
                })
            })
            .collect();
        if panes.len() > MAX_PANES {
            grid.show_notice(crate::i18n::fill(
                &crate::i18n::tr("Comparing the first {} of the {} selected images."),
                &[&MAX_PANES.to_string(), &panes.len().to_string()],
            ));
            panes.truncate(MAX_PANES);
        }
        if panes.len() == 1 {
            let best = panes[0].position;
            let count = grid.view_len();
            if count < 2 {
                grid.show_notice(crate::i18n::tr("Compare needs at least two images in the view."));
                return;
            }
            let candidate = if best + 1 < count { best + 1 } else { best - 1 };
            panes.push(Pane {
                position: candidate,
                id: None,
            });
        }
        if panes.len() < 2 {
            grid.show_notice(crate::i18n::tr("Select two to four images to compare them."));
            return;
        }
        // The loupe's keys (auto-advance) would move the current item under the panes.
        if let Some(window) = self.window.upgrade()
            && window.global::<LoupeAdapter>().get_open()
        {
            window.global::<LoupeAdapter>().invoke_close_requested();
        }
        let anchored = panes.len() == 2;
        *self.panes.borrow_mut() = panes;
        self.focused.set(if anchored { 1 } else { 0 });
        self.adapter_do(|a| {
            a.set_zoom(1.0);
            a.set_pan_x(0.0);
            a.set_pan_y(0.0);
            a.set_anchored(anchored);
            a.set_open(true);
        });
        self.focus_grid();
        self.show();
    }

    /// Escape: back to the grid, with the compared images selected and the focused one
    /// current. The decoded images go.
    pub fn close(&self) {
        if !self.is_open() {
            return;
        }
        self.adapter_do(|a| a.set_open(false));
        self.model.set_vec(Vec::new());
        self.decoded.borrow_mut().clear();
        let panes = std::mem::take(&mut *self.panes.borrow_mut());
        let Some(grid) = self.grid.upgrade() else { return };
        let focused = panes.get(self.focused.get()).map(|p| p.position);
        let ids: Vec<MediaId> = panes.into_iter().filter_map(|p| p.id).collect();
        grid.select_ids(&ids, focused);
    }

    /// ← →: in anchored compare the candidate steps through the view (over the best);
    /// in a survey of three or four the focus moves.
    fn step(&self, delta: i32) {
        if self.panes.borrow().len() != 2 {
            let n = self.panes.borrow().len() as i32;
            if n > 0 {
                self.focus((self.focused.get() as i32 + delta).rem_euclid(n) as usize);
            }
            return;
        }
        let Some(grid) = self.grid.upgrade() else { return };
        let count = grid.view_len() as i64;
        let (best, candidate) = {
            let panes = self.panes.borrow();
            (panes[0].position as i64, panes[1].position as i64)
        };
        let mut next = candidate + i64::from(delta.signum());
        if next == best {
            next += i64::from(delta.signum());
        }
        if next < 0 || next >= count {
            grid.show_notice(if next < 0 {
                crate::i18n::tr("This is the first image of the view.")
            } else {
                crate::i18n::tr("This is the last image of the view.")
            });
            return;
        }
        self.panes.borrow_mut()[1] = Pane {
            position: next as usize,
            id: None,
        };
        self.focus(1);
    }

    /// ↑ or Make Best: the candidate becomes the best so far, and the image after it the
    /// next candidate.
    fn promote(&self) {
        if self.panes.borrow().len() != 2 {
            return;
        }
        let promoted = self.panes.borrow()[1].clone();
        self.panes.borrow_mut()[0] = promoted;
        self.step(1);
        // At the end of the view there is no next candidate: look back instead.
        if self.panes.borrow()[0] == self.panes.borrow()[1] {
            self.step(-1);
        }
    }

    /// K: the focused image is picked and the other shown images rejected, undone as one.
    fn keep_focused(&self) {
        let Some(grid) = self.grid.upgrade() else { return };
        let panes = self.panes.borrow().clone();
        let focused = self.focused.get();
        let Some(kept) = panes.get(focused).and_then(|p| p.id.clone()) else {
            return;
        };
        let others: Vec<MediaId> = panes
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != focused)
            .filter_map(|(_, p)| p.id.clone())
            .collect();
        grid.as_one_edit(|grid| {
            for (ids, change) in crate::services::culling::keep_one_reject_others(kept, others) {
                grid.cull(ids, change);
            }
        });
        self.show();
    }

    fn focus(&self, index: usize) {
        if index >= self.panes.borrow().len() {
            return;
        }
        self.focused.set(index);
        self.focus_grid();
        self.show();
    }

    fn next_pane(&self) {
        let n = self.panes.borrow().len();
        if n > 0 {
            self.focus((self.focused.get() + 1) % n);
        }
    }

    /// The focused pane's image becomes the grid's current and only selected item.
    fn focus_grid(&self) {
        let Some(grid) = self.grid.upgrade() else { return };
        let position = self.panes.borrow().get(self.focused.get()).map(|p| p.position);
        if let Some(position) = position {
            grid.select_single_at(position);
        }
    }

    /// Shows the panes again as the view now has them (after pages load, in the snapshot).
    pub fn refresh(&self) {
        self.show();
    }

    /// Resolves the panes against the view, fills the adapter and asks for missing decodes.
    fn show(&self) {
        if !self.is_open() {
            return;
        }
        let Some(grid) = self.grid.upgrade() else { return };
        // Culling keys act on the focused pane: an undo that selected what it changed gives
        // the selection back to it.
        let focused_id = self.panes.borrow().get(self.focused.get()).and_then(|p| p.id.clone());
        if let Some(id) = &focused_id
            && grid.selection() != [id.clone()]
            && grid.position_of(id).is_some()
        {
            self.focus_grid();
            return;
        }
        let count = grid.view_len();
        let mut shown = Vec::new();
        let mut wanted = Vec::new();
        {
            let mut panes = self.panes.borrow_mut();
            let n = panes.len();
            for (i, pane) in panes.iter_mut().enumerate() {
                if let Some(id) = &pane.id
                    && let Some(position) = grid.position_of(id)
                {
                    pane.position = position;
                }
                let item = grid.item_at(pane.position.min(count.saturating_sub(1)));
                if let Some(item) = &item {
                    // A deleted image's place is taken by the next one, as in the grid.
                    pane.id = Some(item.id.clone());
                }
                let decoded = pane.id.as_ref().and_then(|id| self.decoded.borrow().get(id).cloned());
                if decoded.is_none()
                    && let Some(id) = &pane.id
                {
                    wanted.push(id.clone());
                }
                shown.push(decoding::pane_model(item.as_ref(), decoded.as_deref(), &role(n, i)));
            }
        }
        // The next candidate too, so stepping on shows it at once.
        if let Some(next) = self.next_candidate(&grid) {
            wanted.push(next);
        }
        let candidate_position = self.panes.borrow().get(1).map_or(0, |p| p.position);
        let focused = self.focused.get();
        self.adapter_do(|a| {
            a.set_focused(focused as i32);
            a.set_candidate_position(candidate_position as i32);
            a.set_count(count as i32);
        });
        if self.model.row_count() == shown.len() {
            for (row, pane) in shown.into_iter().enumerate() {
                if self.model.row_data(row).as_ref() != Some(&pane) {
                    self.model.set_row_data(row, pane);
                }
            }
        } else {
            self.model.set_vec(shown);
        }
        self.forget_unwanted();
        for id in wanted {
            self.decode(id);
        }
    }

    fn next_candidate(&self, grid: &LibraryController) -> Option<MediaId> {
        let panes = self.panes.borrow();
        if panes.len() != 2 {
            return None;
        }
        let mut next = panes[1].position + 1;
        if next == panes[0].position {
            next += 1;
        }
        grid.peek_at(next).map(|item| item.id)
    }
}

/// What a pane is called (in the user's language): in anchored compare the best so far and
/// the candidate.
fn role(panes: usize, index: usize) -> String {
    match (panes, index) {
        (2, 0) => crate::i18n::tr("Best so far"),
        (2, 1) => crate::i18n::tr("Candidate"),
        _ => String::new(),
    }
}
