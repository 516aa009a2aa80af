//! Culling keys on the selection: ratings and pick/reject, shown at once and saved in the
//! background.

use super::LibraryController;
use crate::db::media;
use crate::db::media_query::ViewItem;
use crate::db::types::{CullStatus, MediaId, Rating};

impl LibraryController {
    /// 1–5 rate, 0 clears: shown at once, saved in the background.
    pub fn rate(&self, stars: i32) {
        let Some(rating) = Rating::new(stars.clamp(0, 5) as u8) else {
            return;
        };
        self.cull_selection(
            |item| item.rating = rating,
            "saving ratings",
            move |conn, ids| media::set_rating(conn, ids, rating),
        );
    }

    /// 1 selected (P), 2 rejected (X), 0 clears (U).
    pub fn set_status(&self, status: i32) {
        let status = match status {
            1 => Some(CullStatus::Selected),
            2 => Some(CullStatus::Rejected),
            _ => None,
        };
        self.cull_selection(
            |item| item.status = status,
            "saving culling statuses",
            move |conn, ids| media::set_status(conn, ids, status),
        );
    }

    /// Applies `change` to every selected item on screen at once, and `save` to their rows
    /// on the database thread.
    fn cull_selection(
        &self,
        change: impl Fn(&mut ViewItem),
        what: &'static str,
        save: impl FnOnce(&mut diesel::SqliteConnection, &[MediaId]) -> Result<usize, crate::db::DbError> + Send + 'static,
    ) {
        let ids = self.selected_ids();
        if ids.is_empty() {
            return;
        }
        self.update_loaded(&ids, change);
        self.db.spawn(what, move |conn| save(conn, &ids).map(|_| ()));
    }

    fn update_loaded(&self, ids: &[MediaId], change: impl Fn(&mut ViewItem)) {
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
