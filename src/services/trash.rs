//! Deleting from the library and undoing it: originals to the trash and rows removed, and
//! back again. These move files, so they block: the window runs them on a blocking thread.

use super::catalog::{Call, Catalog};
use crate::db::DbError;
use crate::db::media_query::{self, MediaFilter, MediaSort, StatusFilter};
use crate::db::types::MediaId;
use crate::library::delete::{DeleteReport, delete_media};
use crate::library::trash::TrashPolicy;
use crate::library::untrash::{DeletedItem, RestoreReport, restore_deleted};

impl Catalog {
    /// Moves the items' files to the trash (`policy` says which) and removes their rows.
    /// Blocking.
    pub fn move_to_trash(&self, ids: Vec<MediaId>, policy: TrashPolicy) -> Result<DeleteReport, DbError> {
        delete_media(self.database(), self.library(), ids, policy)
    }

    /// Puts deleted items back: files first, then the rows of those whose file is back.
    /// Blocking.
    pub fn put_back(&self, items: Vec<DeletedItem>) -> Result<RestoreReport, DbError> {
        restore_deleted(self.database(), self.library(), items)
    }

    /// The rejected items of a view (its rating filter and search kept), for "delete the
    /// rejected". `None` when the view shows no rejected items by its status filter.
    pub fn rejected_in(&self, mut filter: MediaFilter) -> Option<Call<Vec<MediaId>>> {
        if !matches!(filter.status, StatusFilter::All | StatusFilter::Rejected) {
            return None;
        }
        filter.status = StatusFilter::Rejected;
        Some(self.call(move |c| {
            let items = media_query::page(c, &filter, MediaSort::NewestFirst, None, u32::MAX)?;
            Ok(items.into_iter().map(|item| item.id).collect())
        }))
    }
}
