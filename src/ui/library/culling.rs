//! Culling keys on the selection: ratings and pick/reject, shown at once and saved in the
//! background.

use super::LibraryController;
use crate::db::media;
use crate::db::media::Media;
use crate::db::types::{CullStatus, MediaId, Rating};

impl LibraryController {
    /// 1–5 rate, 0 clears: shown at once, saved in the background.
    pub fn rate(&self, stars: i32) {
        let Some(rating) = Rating::new(stars.clamp(0, 5) as u8) else {
            return;
        };
        let ids = self.selected_ids();
        if ids.is_empty() {
            return;
        }
        self.update_loaded(&ids, |item| item.rating = rating);
        self.db.spawn("saving ratings", move |conn| {
            media::set_rating(conn, &ids, rating).map(|_| ())
        });
    }

    /// 1 selected (P), 2 rejected (X), 0 clears (U).
    pub fn set_status(&self, status: i32) {
        let status = match status {
            1 => Some(CullStatus::Selected),
            2 => Some(CullStatus::Rejected),
            _ => None,
        };
        let ids = self.selected_ids();
        if ids.is_empty() {
            return;
        }
        self.update_loaded(&ids, |item| item.status = status);
        self.db.spawn("saving culling statuses", move |conn| {
            media::set_status(conn, &ids, status).map(|_| ())
        });
    }

    fn update_loaded(&self, ids: &[MediaId], change: impl Fn(&mut Media)) {
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
