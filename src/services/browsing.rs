//! What the grid, the loupe and compare read: a view's first page with its counts, a live
//! refresh of the pages on screen, one page, where an item stands, one item.

use super::catalog::{Call, Catalog};
use crate::browse::{PAGE_SIZE, PageRequest};
use crate::db::media::{self, Media};
use crate::db::media_query::{self, MediaFilter, MediaSort, ViewItem, ViewSnapshot};
use crate::db::types::MediaId;

/// The pages on screen read again after the library changed, with the counts and where the
/// current item now stands, all from one snapshot (so they agree).
#[derive(Debug, Clone)]
pub struct Refreshed {
    pub total: i64,
    pub filtered: i64,
    pub pages: Vec<(usize, Vec<ViewItem>)>,
    /// Where the current item stands now; `None` if it left the view (or there was none).
    pub current: Option<u64>,
}

impl Catalog {
    /// A new view: both counts and the first page, from one snapshot.
    pub fn view(&self, filter: MediaFilter, sort: MediaSort) -> Call<ViewSnapshot> {
        self.call(move |c| media_query::view_snapshot(c, &filter, sort, PAGE_SIZE as u32))
    }

    /// The models the library's images were made with (the filter bar's model choices).
    pub fn model_names(&self) -> Call<Vec<String>> {
        self.call(crate::db::base_models::names_in_use)
    }

    /// How many images the library holds.
    pub fn library_total(&self) -> Call<i64> {
        self.call(media::count_all)
    }

    /// The view's `pages` again, the counts, and where `current` stands, in one snapshot.
    pub fn refresh(
        &self,
        filter: MediaFilter,
        sort: MediaSort,
        pages: Vec<usize>,
        current: Option<MediaId>,
    ) -> Call<Refreshed> {
        self.call(move |c| {
            crate::db::transaction::read(c, |c| {
                let current = match &current {
                    Some(id) => media_query::position(c, &filter, sort, id)?,
                    None => None,
                };
                let total = media::count_all(c)?;
                let filtered = media_query::count(c, &filter)?;
                let mut loaded = Vec::with_capacity(pages.len());
                for page in pages {
                    let offset = (page * PAGE_SIZE) as u64;
                    loaded.push((
                        page,
                        media_query::page_at_offset(c, &filter, sort, offset, PAGE_SIZE as u32)?,
                    ));
                }
                Ok(Refreshed {
                    total,
                    filtered,
                    pages: loaded,
                    current,
                })
            })
        })
    }

    /// One page of a view, as the page cache asked for it.
    pub fn page(&self, request: PageRequest, filter: MediaFilter, sort: MediaSort) -> Call<Vec<ViewItem>> {
        self.call(move |c| request.load(c, &filter, sort))
    }

    /// Where `id` stands in the view (`None`: not in it).
    pub fn position(&self, filter: MediaFilter, sort: MediaSort, id: MediaId) -> Call<Option<u64>> {
        self.call(move |c| media_query::position(c, &filter, sort, &id))
    }

    /// One item's row (`None`: it is gone).
    pub fn item(&self, id: MediaId) -> Call<Option<Media>> {
        self.call(move |c| media::get(c, &id))
    }

    /// The items whose original the library check found missing.
    pub fn missing_originals(&self) -> Call<Vec<MediaId>> {
        self.call(crate::db::missing_originals::all)
    }
}
