//! The grid's window onto the library: pages of 200 items of the current filter and sort,
//! loaded off the UI thread and kept in a small LRU, so memory does not grow with the
//! library. Positions map to pages; a page is loaded by keyset from its neighbour's last item
//! when that is cached (fast at any depth) and by offset otherwise (a jump).

use crate::db::media_query::{self, Cursor, MediaFilter, MediaSort, ViewItem};
use lru::LruCache;
use std::collections::HashSet;
use std::num::NonZeroUsize;

pub const PAGE_SIZE: usize = 200;
/// Pages kept: 40 × 200 items, a few screens in each direction of several places.
const PAGES_KEPT: usize = 40;

/// How to load a missing page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageRequest {
    /// Continue after the last item of the page before it.
    After { page: usize, cursor: Cursor },
    /// Start at an absolute position.
    Offset { page: usize, offset: u64 },
}

impl PageRequest {
    pub fn page(&self) -> usize {
        match self {
            PageRequest::After { page, .. } | PageRequest::Offset { page, .. } => *page,
        }
    }

    /// Loads the page (on the database thread).
    pub fn load(
        &self,
        conn: &mut diesel::SqliteConnection,
        filter: &MediaFilter,
        sort: MediaSort,
    ) -> Result<Vec<ViewItem>, crate::db::DbError> {
        match self {
            PageRequest::After { cursor, .. } => media_query::page(conn, filter, sort, Some(cursor), PAGE_SIZE as u32),
            PageRequest::Offset { offset, .. } => {
                media_query::page_at_offset(conn, filter, sort, *offset, PAGE_SIZE as u32)
            }
        }
    }
}

/// The loaded pages of one view (filter + sort). A new filter or sort starts a new cache.
pub struct PageCache {
    filter: MediaFilter,
    sort: MediaSort,
    total: usize,
    pages: LruCache<usize, Vec<ViewItem>>,
    /// Pages asked for and not yet arrived, so each is requested once.
    loading: HashSet<usize>,
}

impl PageCache {
    pub fn new(filter: MediaFilter, sort: MediaSort, total: usize) -> Self {
        Self {
            filter,
            sort,
            total,
            pages: LruCache::new(NonZeroUsize::new(PAGES_KEPT).unwrap_or(NonZeroUsize::MIN)),
            loading: HashSet::new(),
        }
    }

    pub fn filter(&self) -> MediaFilter {
        self.filter.clone()
    }

    pub fn sort(&self) -> MediaSort {
        self.sort
    }

    /// Items in the view.
    pub fn len(&self) -> usize {
        self.total
    }

    pub fn is_empty(&self) -> bool {
        self.total == 0
    }

    /// The item at `index`, if its page is loaded (marks the page recently used).
    pub fn get(&mut self, index: usize) -> Option<&ViewItem> {
        if index >= self.total {
            return None;
        }
        self.pages
            .get(&(index / PAGE_SIZE))
            .and_then(|page| page.get(index % PAGE_SIZE))
    }

    /// Like `get`, without touching the LRU order.
    pub fn peek(&self, index: usize) -> Option<&ViewItem> {
        self.pages
            .peek(&(index / PAGE_SIZE))
            .and_then(|page| page.get(index % PAGE_SIZE))
    }

    /// What to load so that `index` can be shown; `None` if it is loaded or on its way.
    pub fn request_for(&mut self, index: usize) -> Option<PageRequest> {
        if index >= self.total {
            return None;
        }
        let page = index / PAGE_SIZE;
        if self.pages.contains(&page) || self.loading.contains(&page) {
            return None;
        }
        self.loading.insert(page);
        let previous_last = page
            .checked_sub(1)
            .and_then(|p| self.pages.peek(&p))
            .and_then(|items| items.last());
        Some(match previous_last {
            Some(last) if last_is_full(self.pages.peek(&(page - 1))) => PageRequest::After {
                page,
                cursor: Cursor::after(last),
            },
            _ => PageRequest::Offset {
                page,
                offset: (page * PAGE_SIZE) as u64,
            },
        })
    }

    /// Stores a loaded page.
    pub fn insert(&mut self, page: usize, items: Vec<ViewItem>) {
        self.loading.remove(&page);
        self.pages.put(page, items);
    }

    /// Forgets a request that failed, so it can be asked again.
    pub fn forget_request(&mut self, page: usize) {
        self.loading.remove(&page);
    }

    /// Positions of the loaded items with this id (for updating a rated item in place).
    pub fn position_of(&self, id: &crate::db::types::MediaId) -> Option<usize> {
        self.pages
            .iter()
            .find_map(|(page, items)| items.iter().position(|m| &m.id == id).map(|i| page * PAGE_SIZE + i))
    }

    /// The loaded item with this id.
    pub fn find(&self, id: &crate::db::types::MediaId) -> Option<&ViewItem> {
        self.position_of(id).and_then(|position| self.peek(position))
    }

    /// Replaces a loaded item (after a rating or status change).
    pub fn update(&mut self, item: ViewItem) -> Option<usize> {
        let position = self.position_of(&item.id)?;
        if let Some(slot) = self
            .pages
            .peek_mut(&(position / PAGE_SIZE))
            .and_then(|p| p.get_mut(position % PAGE_SIZE))
        {
            *slot = item;
        }
        Some(position)
    }

    /// Changes loaded items in place; `change` returns whether it changed the item. Returns
    /// the positions changed. One pass over the loaded pages, whatever the number of ids.
    pub fn update_loaded(&mut self, mut change: impl FnMut(&mut ViewItem) -> bool) -> Vec<usize> {
        let mut changed = Vec::new();
        for (page, items) in self.pages.iter_mut() {
            for (i, item) in items.iter_mut().enumerate() {
                if change(item) {
                    changed.push(page * PAGE_SIZE + i);
                }
            }
        }
        changed
    }

    /// The loaded pages, most recently used first.
    pub fn loaded_pages(&self) -> Vec<usize> {
        self.pages.iter().map(|(page, _)| *page).collect()
    }

    /// The items of a loaded page.
    pub fn page_items(&self, page: usize) -> Option<&[ViewItem]> {
        self.pages.peek(&page).map(Vec::as_slice)
    }

    /// Number of pages held (for tests and memory checks).
    pub fn pages_held(&self) -> usize {
        self.pages.len()
    }
}

fn last_is_full(page: Option<&Vec<ViewItem>>) -> bool {
    page.is_some_and(|items| items.len() == PAGE_SIZE)
}
