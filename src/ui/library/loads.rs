//! The grid's loads carried out: pages and thumbnails asked for by the row model are queued
//! (load_queue.rs) and loaded in the background, or drained synchronously by the snapshot
//! and tests; what arrives goes into the page cache and the grid's rows.

use super::LibraryController;
use super::LoadMode;
use super::grid_model::GridLoader;
use super::load_queue::Pending;
use super::thumbnails::decode;
use crate::browse::{PAGE_SIZE, PageRequest};
use crate::services::model::{DbError, MediaId, ViewItem};

impl GridLoader for LibraryController {
    fn load_page(&self, request: PageRequest) {
        self.loads.ask_page(request, self.view.serial());
        self.kick();
    }

    fn load_thumbnail(&self, item: &ViewItem) {
        let relative = crate::library::store::thumbnail_path(&item.id);
        let Ok(path) = self.catalog.library().resolve(&relative) else {
            return;
        };
        if self.loads.ask_thumbnail(&item.id, path) {
            self.kick();
        }
    }

    fn thumbnail(&self, id: &MediaId) -> Option<slint::Image> {
        self.loads.thumbnail(id)
    }

    fn is_missing(&self, id: &MediaId) -> bool {
        self.missing.borrow().contains(id)
    }

    fn stack(&self, id: &MediaId) -> Option<(u32, bool)> {
        self.stack_of(id).map(|s| (s.size, s.collapsed))
    }
}

impl LibraryController {
    /// A repair may have marked or unmarked missing originals: the marks are read again
    /// and the view refreshed.
    pub fn library_repaired(&self) {
        self.load_missing();
        self.refresh();
    }

    /// Reads which items are marked as missing their original (at start and after a
    /// repair, the only writer), and redraws those that changed.
    pub(super) fn load_missing(&self) {
        self.run_query(self.catalog.missing_originals(), |this, marked| {
            let Ok(marked) = marked else { return };
            let marked: std::collections::HashSet<MediaId> = marked.into_iter().collect();
            let changed: Vec<MediaId> = {
                let old = this.missing.borrow();
                old.symmetric_difference(&marked).cloned().collect()
            };
            *this.missing.borrow_mut() = marked;
            for id in changed {
                this.model.refresh_item(&id);
            }
        });
    }
}

impl LibraryController {
    /// Starts the background pump if loads are waiting and none is running.
    fn kick(&self) {
        let LoadMode::Background(runtime) = &self.mode else {
            return;
        };
        if !self.loads.start_pumping() {
            return;
        }
        let me = self.me.borrow().clone();
        let runtime = runtime.clone();
        let started = slint::spawn_local(async move {
            loop {
                let Some(this) = me.upgrade() else { return };
                let Some(next) = this.loads.next() else {
                    this.loads.stopped_pumping();
                    return;
                };
                drop(this);
                match next {
                    Pending::Page { request, serial } => {
                        let Some(this) = me.upgrade() else { return };
                        let (filter, sort) = (this.model.cache.borrow().filter(), this.model.cache.borrow().sort());
                        let page = request.page();
                        let call = this.catalog.page(request, filter, sort);
                        drop(this);
                        let loaded = call.answer().await;
                        if let Some(this) = me.upgrade() {
                            this.page_arrived(serial, page, loaded);
                        }
                    }
                    Pending::Thumbnail { id, path } => {
                        let decoded = runtime.spawn_blocking(move || decode(&path)).await.ok().flatten();
                        if let Some(this) = me.upgrade() {
                            this.thumbnail_arrived(id, decoded);
                        }
                    }
                }
            }
        });
        if started.is_err() {
            self.loads.stopped_pumping();
        }
    }

    /// Carries out every queued load now, blocking (headless snapshot and tests). Returns how
    /// many loads ran.
    pub fn drain_blocking(&self) -> usize {
        let mut ran = 0;
        loop {
            let Some(next) = self.loads.next() else { return ran };
            ran += 1;
            match next {
                Pending::Page { request, serial } => {
                    let (filter, sort) = (self.model.cache.borrow().filter(), self.model.cache.borrow().sort());
                    let page = request.page();
                    let loaded = self.catalog.page(request, filter, sort).wait();
                    self.page_arrived(serial, page, loaded);
                }
                Pending::Thumbnail { id, path } => {
                    let decoded = decode(&path);
                    self.thumbnail_arrived(id, decoded);
                }
            }
        }
    }

    fn page_arrived(&self, serial: u64, page: usize, loaded: Result<Vec<ViewItem>, DbError>) {
        if serial != self.view.serial() {
            return;
        }
        match loaded {
            Ok(items) => {
                self.load_stacks(items.iter().map(|item| item.id.clone()).collect());
                self.model.cache.borrow_mut().insert(page, items);
                self.select_loaded_page(page);
                self.model.refresh_page(page);
                // A neighbour of the current item arrived (the loupe prefetches neighbours);
                // the current item's own page has told the listeners already.
                if let Some(current) = self.selection.current.get() {
                    let on_page = page * PAGE_SIZE..(page + 1) * PAGE_SIZE;
                    let neighbour = [current.checked_sub(1), Some(current + 1)]
                        .into_iter()
                        .flatten()
                        .any(|p| on_page.contains(&p));
                    if neighbour && !on_page.contains(&current) {
                        self.notify_current();
                    }
                }
            }
            Err(error) => {
                // Forgotten, so the page is asked for again when its rows are next shown.
                tracing::error!(%error, "loading part of the library failed");
                self.model.cache.borrow_mut().forget_request(page);
            }
        }
    }

    fn thumbnail_arrived(&self, id: MediaId, decoded: Option<slint::SharedPixelBuffer<slint::Rgb8Pixel>>) {
        let decoded_now = decoded.is_some();
        self.loads.thumbnail_arrived(&id, decoded);
        if decoded_now {
            self.model.refresh_item(&id);
        }
    }
}
