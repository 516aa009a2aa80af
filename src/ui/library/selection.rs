//! Selection: kept by media id (positions shift when items arrive or leave), shown by
//! position in the row model, moved by clicks and arrow keys.

use super::{LibraryAdapter, LibraryController};
use crate::browse::PAGE_SIZE;
use crate::services::model::{MediaId, ViewItem};
use std::collections::BTreeSet;

impl LibraryController {
    /// Recomputes which loaded positions show as selected.
    pub(super) fn sync_selection(&self) {
        let selected = self.selection.selected.borrow();
        let cache = self.model.cache.borrow();
        let indexes: BTreeSet<usize> = if selected.is_empty() {
            BTreeSet::new()
        } else {
            cache
                .loaded_pages()
                .into_iter()
                .flat_map(|page| {
                    let items = cache.page_items(page).unwrap_or_default();
                    items
                        .iter()
                        .enumerate()
                        .filter(|(_, m)| selected.contains(&m.id))
                        .map(move |(i, _)| page * PAGE_SIZE + i)
                        .collect::<Vec<_>>()
                })
                .collect()
        };
        drop((cache, selected));
        let before = std::mem::replace(&mut *self.model.selected.borrow_mut(), indexes.clone());
        self.model
            .refresh_indexes(before.symmetric_difference(&indexes).copied().collect::<Vec<_>>());
        self.notify_current();
    }

    /// Marks the selected items of a page that just arrived (before its rows are refreshed).
    pub(super) fn select_loaded_page(&self, page: usize) {
        let selected = self.selection.selected.borrow();
        if selected.is_empty() {
            return;
        }
        let cache = self.model.cache.borrow();
        let Some(items) = cache.page_items(page) else { return };
        let mut shown = self.model.selected.borrow_mut();
        for (i, item) in items.iter().enumerate() {
            let position = page * PAGE_SIZE + i;
            if selected.contains(&item.id) {
                shown.insert(position);
            } else {
                shown.remove(&position);
            }
        }
        drop(shown);
        let current_here = self
            .selection
            .current_id
            .borrow()
            .as_ref()
            .and_then(|current| items.iter().position(|m| &m.id == current));
        drop(cache);
        if let Some(i) = current_here {
            self.selection.current.set(Some(page * PAGE_SIZE + i));
            self.notify_current();
        }
    }

    pub(super) fn id_at(&self, index: usize) -> Option<MediaId> {
        self.model.cache.borrow().peek(index).map(|m| m.id.clone())
    }

    pub(super) fn selected_ids(&self) -> Vec<MediaId> {
        self.selection.ids()
    }

    /// The selected items (for tests and the info panel).
    pub fn selection(&self) -> Vec<MediaId> {
        self.selected_ids()
    }

    /// What a drag from cell `index` carries: the selection when the cell is in it, otherwise
    /// the cell's item alone.
    pub fn drag_ids(&self, index: usize) -> Vec<MediaId> {
        let Some(id) = self.id_at(index) else { return Vec::new() };
        if self.selection.selected.borrow().contains(&id) {
            self.selection_in_view_order()
        } else {
            vec![id]
        }
    }

    /// The selected items in the order the view shows them (those not loaded last).
    pub fn selection_in_view_order(&self) -> Vec<MediaId> {
        let cache = self.model.cache.borrow();
        let mut ids = self.selected_ids();
        ids.sort_by_key(|id| cache.position_of(id).unwrap_or(usize::MAX));
        ids
    }

    /// Where `id` is in the view, if its page is loaded.
    pub fn position_of(&self, id: &MediaId) -> Option<usize> {
        self.model.cache.borrow().position_of(id)
    }

    /// The item at `index` if its page is loaded (asking for nothing).
    pub fn peek_at(&self, index: usize) -> Option<ViewItem> {
        self.model.cache.borrow().peek(index).cloned()
    }

    /// Exactly these items become the selection; the item at `current` (or the first of
    /// them in the view) becomes current.
    pub fn select_ids(&self, ids: &[MediaId], current: Option<usize>) {
        let current = current.or_else(|| ids.iter().filter_map(|id| self.position_of(id)).min());
        let at = current.map(|position| (position, self.id_at(position)));
        self.selection.select(ids.iter().cloned(), at);
        self.sync_selection();
    }

    /// The item the keyboard is at and the loupe shows.
    pub fn current_id(&self) -> Option<MediaId> {
        self.selection.current_id.borrow().clone()
    }

    /// Click: select one; Ctrl: toggle; Shift: extend from the anchor.
    pub fn press(&self, index: usize, ctrl: bool, shift: bool) {
        let Some(id) = self.id_at(index) else { return };
        self.selection.press(index, id, ctrl, shift, |i| self.id_at(i));
        self.sync_selection();
    }

    /// Arrow keys: ±1 for left/right, ±columns for up/down (the adapter passes the delta).
    pub fn move_selection(&self, delta: i32) {
        let total = self.model.cache.borrow().len();
        if let Some(next) = self.selection.moved_by(delta, total) {
            self.select_single_at(next);
        }
    }

    /// Shows the item `id` wherever it is in the view (a reference's source), or says why not.
    pub fn go_to(&self, id: MediaId) {
        self.go_to_then(id, true, |_| {});
    }

    /// [`Self::go_to`], then `then` (whether found or not); `explain` shows a notice when
    /// the item is not in the view.
    pub fn go_to_then(&self, id: MediaId, explain: bool, then: impl FnOnce(&Self) + 'static) {
        let cache = self.model.cache.borrow();
        let (filter, sort) = (cache.filter(), cache.sort());
        drop(cache);
        self.run_query(
            self.catalog.position(filter, sort, id.clone()),
            move |this, found| match found {
                Ok(Some(position)) => {
                    let position = position as usize;
                    this.selection.select([id.clone()], Some((position, Some(id))));
                    let request = this.model.cache.borrow_mut().request_for(position);
                    if let Some(request) = request {
                        use super::grid_model::GridLoader;
                        this.load_page(request);
                    }
                    this.sync_selection();
                    this.reveal(position);
                    then(this);
                }
                Ok(None) => {
                    if explain {
                        this.show_notice(crate::i18n::tr(
                            "That image is hidden by the current filters, or no longer in the library.",
                        ));
                    }
                    then(this);
                }
                Err(error) => {
                    tracing::warn!(%error, "finding an image in the view failed");
                    then(this);
                }
            },
        );
    }

    /// Selects only the item at `index` and brings it into view.
    pub fn select_single_at(&self, index: usize) {
        self.press(index, false, false);
        if self.id_at(index).is_none() {
            // Not loaded yet: ask for it, and select it when it arrives on the next key.
            let request = self.model.cache.borrow_mut().request_for(index);
            if let Some(request) = request {
                use super::grid_model::GridLoader;
                self.load_page(request);
            }
            self.selection.current.set(Some(index));
        }
        self.reveal(index);
    }

    pub fn reveal(&self, index: usize) {
        let row = self.model.row_of(index) as i32;
        self.adapter_do(|adapter: &LibraryAdapter| {
            adapter.set_reveal_row(row);
            adapter.set_reveal_serial(adapter.get_reveal_serial() + 1);
        });
    }
}
