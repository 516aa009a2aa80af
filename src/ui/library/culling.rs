//! Culling keys on the selection: ratings and pick/reject, shown at once and saved in the
//! background.

use super::LibraryController;
use crate::services::culling::CullChange;
use crate::services::history::{CullEdit, Edit};
use crate::services::model::{MediaId, Rating, ViewItem};
use crate::ui::CullMark;

impl LibraryController {
    /// 1–5 rate, 0 clears: shown at once, saved in the background.
    pub fn rate(&self, stars: i32) {
        let Some(rating) = Rating::new(stars.clamp(0, 5) as u8) else {
            return;
        };
        self.cull_selection(CullChange::Rating(rating));
    }

    /// Selected (P), rejected (X), none (U).
    pub fn set_status(&self, mark: CullMark) {
        self.cull_selection(CullChange::Status(crate::ui::marks::cull_status(mark)));
    }

    /// Applies `change` to every selected item.
    fn cull_selection(&self, change: CullChange) {
        self.cull(self.selected_ids(), change);
    }

    /// Applies `change` to `ids` on screen at once, saves it on the database thread, and
    /// records it for undo.
    pub fn cull(&self, ids: Vec<MediaId>, change: CullChange) {
        // A read-only library is browsed, never changed (its banner says so).
        if ids.is_empty() || self.catalog.is_read_only() {
            return;
        }
        let edit = CullEdit::new(ids, change);
        self.apply_cull(&edit);
        if let Some(history) = self.history.borrow().upgrade() {
            history.record(Edit::Cull(edit));
        }
    }

    /// Shows `edit`'s change at once and saves it, noting first what it replaces.
    pub(super) fn apply_cull(&self, edit: &CullEdit) {
        let change = edit.change;
        self.update_loaded(&edit.ids, |item| match change {
            CullChange::Rating(rating) => item.rating = rating,
            CullChange::Status(status) => item.status = status,
        });
        self.catalog.apply_cull(edit).send("saving a rating or status");
    }

    pub(super) fn update_loaded(&self, ids: &[MediaId], change: impl Fn(&mut ViewItem)) {
        let ids: std::collections::HashSet<&MediaId> = ids.iter().collect();
        let changed = self.model.cache.borrow_mut().update_loaded(|item| {
            let hit = ids.contains(&item.id);
            if hit {
                change(item);
            }
            hit
        });
        self.model.refresh_indexes(changed);
        self.notify_current();
    }
}
