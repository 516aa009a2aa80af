//! What the grid shows: a new view when the filter or sort changes, and a live refresh when
//! the library changes underneath (a generated or imported image), which keeps the scroll
//! position and the selection.

use super::{LibraryAdapter, LibraryController};
use crate::browse::PageCache;
use crate::format::grouped;
use crate::services::model::{DbError, MediaFilter, MediaSort, SearchText, ViewSnapshot};
use crate::services::{Call, Refreshed};
use crate::settings::GridView;
use slint::ComponentHandle;

/// Pages reloaded by a live refresh: the ones most recently on screen.
const PAGES_REFRESHED: usize = 3;

/// The filter and sort the adapter's controls describe.
pub(super) fn grid_view_of(adapter: &LibraryAdapter) -> GridView {
    GridView {
        min_rating: adapter.get_min_rating().clamp(0, 5) as u8,
        status: adapter.get_status_filter().clamp(0, 3) as u8,
        origin: adapter.get_origin_filter().clamp(0, 2) as u8,
        sort: adapter.get_sort().clamp(0, 3) as u8,
        thumbnail_size: adapter.get_thumbnail_size().clamp(96.0, 360.0) as u16,
    }
}

/// Shows a saved view in the adapter's controls.
pub(super) fn show_grid_view(adapter: &LibraryAdapter, view: &GridView) {
    adapter.set_min_rating(i32::from(view.min_rating));
    adapter.set_status_filter(i32::from(view.status));
    adapter.set_origin_filter(i32::from(view.origin));
    adapter.set_sort(i32::from(view.sort));
    adapter.set_thumbnail_size(f32::from(view.thumbnail_size));
}

/// Sets the counts and the count bar's words: "342 of 10,000 images", or within a scope
/// "42 images in “Client picks”".
pub(super) fn show_counts(adapter: &LibraryAdapter, total: i64, filtered: i64, scope: Option<&str>) {
    adapter.set_total_count(total.clamp(0, i64::from(i32::MAX)) as i32);
    adapter.set_filtered_count(filtered.clamp(0, i64::from(i32::MAX)) as i32);
    adapter.set_count_text(count_words(total, filtered, scope).into());
}

fn count_words(total: i64, filtered: i64, scope: Option<&str>) -> String {
    use crate::i18n::{fill, tr_n};
    let count = |n: i64| n.max(0) as u64;
    match scope {
        Some(scope) => fill(
            &tr_n(
                "{n} image in {}",
                "{n} images in {}",
                count(filtered),
                &grouped(filtered),
            ),
            &[scope],
        ),
        None if filtered == total => crate::format::images_translated(count(total) as usize),
        None => fill(
            &tr_n("{} of {n} image", "{} of {n} images", count(total), &grouped(total)),
            &[&grouped(filtered)],
        ),
    }
}

impl LibraryController {
    /// Remembers the filter, sort and thumbnail size for the next start.
    pub(super) fn save_grid_view(&self) -> Option<GridView> {
        let window = self.window.upgrade()?;
        let grid_view = grid_view_of(&window.global::<LibraryAdapter>());
        self.catalog
            .save_grid_view(grid_view)
            .send("saving the grid's filter and sort");
        Some(grid_view)
    }

    /// The filter or sort changed: save it, re-count and start a new view at the top.
    pub fn reload_view(&self) {
        let Some(grid_view) = self.save_grid_view() else { return };
        let (mut filter, sort) = grid_view.filter_and_sort();
        if let Some(window) = self.window.upgrade() {
            let adapter = window.global::<LibraryAdapter>();
            filter.search = SearchText::parse(&adapter.get_search_text());
            filter = super::more_filters::narrow(&adapter, filter);
        }
        let filter = self.within_scope(&filter);
        let serial = self.view.start_view();
        self.run_query(self.catalog.view(filter.clone(), sort), move |this, snapshot| {
            this.apply_view(serial, filter, sort, snapshot)
        });
    }

    /// Sends `call` to the catalogue and hands its answer to `then` on the UI thread (at
    /// once, blocking, in the on-demand mode of the snapshot and tests).
    pub(super) fn run_query<T: Send + 'static>(
        &self,
        call: Call<T>,
        then: impl FnOnce(&LibraryController, Result<T, DbError>) + 'static,
    ) {
        let me = self.me.borrow().clone();
        self.mode.answer(call, move |result| {
            if let Some(this) = me.upgrade() {
                then(&this, result);
            }
        });
    }

    fn apply_view(&self, serial: u64, filter: MediaFilter, sort: MediaSort, snapshot: Result<ViewSnapshot, DbError>) {
        if !self.view.arrived(serial) {
            // A later view is on its way; it finishes what this one would have.
            return;
        }
        let ViewSnapshot {
            total,
            filtered,
            first_page,
        } = match snapshot {
            Ok(snapshot) => snapshot,
            Err(error) => {
                tracing::error!(%error, "counting the library failed");
                return;
            }
        };
        self.loads.forget_pages();
        // The count and the first page come from one snapshot: they agree.
        let mut cache = PageCache::new(filter, sort, filtered.max(0) as usize);
        let ids: Vec<_> = first_page.iter().map(|item| item.id.clone()).collect();
        cache.insert(0, first_page);
        self.load_stacks(ids);
        self.model.replace_cache(cache);
        self.selection.clear();
        let scope = self.scope().label();
        self.adapter_do(|adapter| show_counts(adapter, total, filtered, scope.as_deref()));
        self.reveal(0);
        self.notify_current();
        if self.view.take_refresh_again() {
            self.refresh();
        }
    }

    /// Refreshes the grid whenever `changes` says the library changed (new images from the
    /// queue or an import). Bursts arriving together make one refresh.
    pub fn follow_changes(&self, mut changes: tokio::sync::mpsc::UnboundedReceiver<()>) {
        let me = self.me.borrow().clone();
        let _ = slint::spawn_local(async move {
            while changes.recv().await.is_some() {
                while changes.try_recv().is_ok() {}
                match me.upgrade() {
                    Some(this) => this.refresh(),
                    None => return,
                }
            }
        });
    }

    /// The library changed underneath (an image was generated, imported or deleted): re-count
    /// and reload the pages on screen in one step, keeping the scroll position and the
    /// selection. Calls while one is on its way are folded into one more afterwards.
    pub fn refresh(&self) {
        self.events.publish(super::WindowEvent::LibraryChanged);
        let Some(serial) = self.view.start_refresh() else {
            return;
        };
        let (filter, sort, pages) = {
            let cache = self.model.cache.borrow();
            let mut pages = cache.loaded_pages();
            pages.truncate(PAGES_REFRESHED);
            if pages.is_empty() {
                pages.push(0);
            }
            (cache.filter(), cache.sort(), pages)
        };
        let current_id = self.selection.current_id.borrow().clone();
        self.run_query(
            self.catalog.refresh(filter.clone(), sort, pages, current_id),
            move |this, refreshed| this.apply_refresh(serial, filter, sort, refreshed),
        );
    }

    fn apply_refresh(&self, serial: u64, filter: MediaFilter, sort: MediaSort, refreshed: Result<Refreshed, DbError>) {
        if !self.view.arrived(serial) {
            // A new view (filter, sort or search) replaced this refresh; it will refresh
            // again when it is shown, if changes came meanwhile.
            return;
        }
        match refreshed {
            Ok(refreshed) => self.show_refreshed(filter, sort, refreshed),
            Err(error) => tracing::error!(%error, "refreshing the library failed"),
        }
        if self.view.take_refresh_again() {
            self.refresh();
        }
    }

    fn show_refreshed(&self, filter: MediaFilter, sort: MediaSort, refreshed: Refreshed) {
        let mut cache = PageCache::new(filter, sort, refreshed.filtered.max(0) as usize);
        let mut ids = Vec::new();
        for (page, items) in refreshed.pages {
            ids.extend(items.iter().map(|item| item.id.clone()));
            cache.insert(page, items);
        }
        self.load_stacks(ids);
        self.loads.forget_pages();
        self.model.replace_cache(cache);
        let scope = self.scope().label();
        self.adapter_do(|adapter| show_counts(adapter, refreshed.total, refreshed.filtered, scope.as_deref()));
        let had_current = self.selection.current_id.borrow().is_some();
        match (had_current, refreshed.current) {
            (false, _) => {}
            (true, Some(position)) => {
                let before = self.selection.current.get().map(|p| self.model.row_of(p));
                self.selection.current.set(Some(position as usize));
                if let Some(before) = before {
                    let moved = self.model.row_of(position as usize) as i64 - before as i64;
                    if moved != 0 {
                        self.adapter_do(|adapter| {
                            adapter.set_shift_rows(moved as i32);
                            adapter.set_shift_serial(adapter.get_shift_serial() + 1);
                        });
                    }
                }
            }
            (true, None) => {
                // The current item left the view (rated out of the filter, or deleted): the
                // item that took its place becomes current, as in a list after a delete.
                let len = self.model.cache.borrow().len();
                let position = self.selection.current.get().unwrap_or(0).min(len.saturating_sub(1));
                // (The anchor is set again below, from what becomes current.)
                self.selection.clear();
                if len > 0 {
                    self.select_single_at(position);
                }
            }
        }
        self.selection.anchor.set(self.selection.current.get());
        self.sync_selection();
    }
}

#[cfg(test)]
mod tests {
    use super::count_words;

    #[test]
    fn the_count_bar_names_the_scope() {
        assert_eq!(count_words(10_000, 10_000, None), "10,000 images");
        assert_eq!(count_words(10_000, 342, None), "342 of 10,000 images");
        assert_eq!(count_words(10_000, 1, Some("“Picks”")), "1 image in “Picks”");
    }
}
