//! The grid's selection as state of its own: the selected items (by id, since positions shift
//! when items arrive or leave), the anchor of a Shift range, and the current item (by
//! position and by id). How a click, Ctrl+click and Shift+click change it is here, free of
//! Slint and of the page cache (which `id_at` stands for), so it is tested on its own.

use crate::services::model::MediaId;
use std::cell::{Cell, RefCell};
use std::collections::BTreeSet;

#[derive(Default)]
pub(super) struct Selection {
    pub(super) selected: RefCell<BTreeSet<MediaId>>,
    /// Where a Shift range starts.
    pub(super) anchor: Cell<Option<usize>>,
    /// The item the keyboard moves from, by position and by id (positions shift when new
    /// items arrive; the id finds it again).
    pub(super) current: Cell<Option<usize>>,
    pub(super) current_id: RefCell<Option<MediaId>>,
}

impl Selection {
    /// Click: select one; Ctrl: toggle; Shift: the range from the anchor (loaded items of it:
    /// `id_at` answers for those). `index` becomes current either way.
    pub(super) fn press(
        &self,
        index: usize,
        id: MediaId,
        ctrl: bool,
        shift: bool,
        id_at: impl Fn(usize) -> Option<MediaId>,
    ) {
        {
            let mut selected = self.selected.borrow_mut();
            match (ctrl, shift, self.anchor.get()) {
                (_, true, Some(anchor)) => {
                    selected.clear();
                    selected.extend((anchor.min(index)..=anchor.max(index)).filter_map(&id_at));
                }
                (true, _, _) => {
                    if !selected.remove(&id) {
                        selected.insert(id.clone());
                    }
                    self.anchor.set(Some(index));
                }
                _ => {
                    selected.clear();
                    selected.insert(id.clone());
                    self.anchor.set(Some(index));
                }
            }
        }
        self.current.set(Some(index));
        *self.current_id.borrow_mut() = Some(id);
    }

    /// Where an arrow key moves the current item in a view of `total` items (`None`: an
    /// empty view).
    pub(super) fn moved_by(&self, delta: i32, total: usize) -> Option<usize> {
        if total == 0 {
            return None;
        }
        Some(match self.current.get() {
            None => 0,
            Some(current) => (current as i64 + i64::from(delta)).clamp(0, total as i64 - 1) as usize,
        })
    }

    /// Exactly `ids` become the selection; `at` (a position, and the item there when it is
    /// loaded) becomes current and the anchor of the next Shift range.
    pub(super) fn select(&self, ids: impl IntoIterator<Item = MediaId>, at: Option<(usize, Option<MediaId>)>) {
        *self.selected.borrow_mut() = ids.into_iter().collect();
        if let Some((position, id)) = at {
            self.current.set(Some(position));
            self.anchor.set(Some(position));
            *self.current_id.borrow_mut() = id;
        }
    }

    /// Nothing selected, nothing current (a new view).
    pub(super) fn clear(&self) {
        self.selected.borrow_mut().clear();
        self.anchor.set(None);
        self.current.set(None);
        *self.current_id.borrow_mut() = None;
    }

    pub(super) fn ids(&self) -> Vec<MediaId> {
        self.selected.borrow().iter().cloned().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view(n: usize) -> Vec<MediaId> {
        (0..n).map(|_| MediaId::new()).collect()
    }

    #[test]
    fn click_ctrl_and_shift_select_as_in_a_file_manager() {
        let items = view(8);
        let id_at = |i: usize| items.get(i).cloned();
        let selection = Selection::default();
        selection.press(2, items[2].clone(), false, false, id_at);
        assert_eq!(selection.ids(), vec![items[2].clone()]);
        // Shift: the range from the anchor, either way.
        selection.press(5, items[5].clone(), false, true, id_at);
        assert_eq!(selection.selected.borrow().len(), 4);
        assert_eq!(selection.anchor.get(), Some(2), "a Shift range keeps its anchor");
        selection.press(0, items[0].clone(), false, true, id_at);
        assert_eq!(selection.selected.borrow().len(), 3);
        // Ctrl toggles one and moves the anchor.
        selection.press(1, items[1].clone(), true, false, id_at);
        assert!(!selection.selected.borrow().contains(&items[1]));
        selection.press(7, items[7].clone(), true, false, id_at);
        assert!(selection.selected.borrow().contains(&items[7]));
        assert_eq!((selection.anchor.get(), selection.current.get()), (Some(7), Some(7)));
        assert_eq!(selection.current_id.borrow().as_ref(), Some(&items[7]));
        // Only loaded items join a range.
        let half = |i: usize| (i < 4).then(|| items[i].clone());
        selection.press(6, items[6].clone(), false, true, half);
        assert_eq!(selection.selected.borrow().len(), 0, "positions 6–7 are not loaded");
    }

    #[test]
    fn arrows_stay_inside_the_view() {
        let selection = Selection::default();
        assert_eq!(selection.moved_by(1, 0), None);
        assert_eq!(selection.moved_by(5, 10), Some(0), "from nothing, the first item");
        selection.current.set(Some(8));
        assert_eq!(selection.moved_by(5, 10), Some(9));
        assert_eq!(selection.moved_by(-20, 10), Some(0));
        selection.clear();
        assert_eq!((selection.current.get(), selection.anchor.get()), (None, None));
        let id = MediaId::new();
        selection.select([id.clone()], Some((4, Some(id.clone()))));
        assert_eq!(selection.ids(), vec![id.clone()]);
        assert_eq!((selection.current.get(), selection.anchor.get()), (Some(4), Some(4)));
        assert_eq!(selection.current_id.borrow().as_ref(), Some(&id));
    }
}
