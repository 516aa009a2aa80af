//! LibraryAdapter: the grid, its filter and sort, selection and culling keys.
//!
//! Everything here runs on the UI thread and never waits on the database or the disk: pages
//! and thumbnails are queued and loaded in the background (`spawn_local` awaiting the
//! database thread and tokio's blocking pool), then the affected rows are refreshed. The
//! headless snapshot drains the same queue synchronously instead.

use super::grid_model::{GridLoader, GridRowsModel};
use super::thumbnails::{ThumbnailCache, decode};
use super::{AppWindow, LibraryAdapter};
use crate::app::StartupView;
use crate::browse::{PageCache, PageRequest};
use crate::db::media::Media;
use crate::db::media_query::{self, MediaFilter, MediaSort, StatusFilter};
use crate::db::types::{CullStatus, MediaId, Rating};
use crate::db::{Database, media};
use crate::library::LibraryRoot;
use slint::{ComponentHandle, ModelRc};
use std::cell::{Cell, RefCell};
use std::collections::{BTreeSet, VecDeque};
use std::path::PathBuf;
use std::rc::{Rc, Weak};

enum Pending {
    Page { request: PageRequest, serial: u64 },
    Thumbnail { id: MediaId, path: PathBuf },
}

/// How queued loads are carried out.
#[derive(Clone)]
pub enum LoadMode {
    /// In the background: the interactive window.
    Background(tokio::runtime::Handle),
    /// When the owner calls `drain_blocking` (the headless snapshot, tests).
    OnDemand,
}

pub struct LibraryController {
    window: slint::Weak<AppWindow>,
    db: Database,
    library: LibraryRoot,
    pub model: Rc<GridRowsModel>,
    thumbs: RefCell<ThumbnailCache>,
    pending: RefCell<VecDeque<Pending>>,
    pumping: Cell<bool>,
    mode: LoadMode,
    /// Bumped on every view change, so late pages of an old view are dropped.
    serial: Cell<u64>,
    selected: RefCell<BTreeSet<MediaId>>,
    anchor: Cell<Option<usize>>,
    current: Cell<Option<usize>>,
    me: RefCell<Weak<LibraryController>>,
}

fn display_path(path: &std::path::Path) -> String {
    let home = directories::UserDirs::new().map(|dirs| dirs.home_dir().to_owned());
    match home.as_deref().and_then(|home| path.strip_prefix(home).ok()) {
        Some(rest) if !rest.as_os_str().is_empty() => format!("~/{}", rest.display()),
        _ => path.display().to_string(),
    }
}

fn filter_from(adapter: &LibraryAdapter) -> (MediaFilter, MediaSort) {
    let status = match adapter.get_status_filter() {
        1 => StatusFilter::Selected,
        2 => StatusFilter::Rejected,
        3 => StatusFilter::Unmarked,
        _ => StatusFilter::All,
    };
    let sort = match adapter.get_sort() {
        1 => MediaSort::OldestFirst,
        2 => MediaSort::HighestRated,
        3 => MediaSort::LowestRated,
        _ => MediaSort::NewestFirst,
    };
    let min_rating = Rating::new(adapter.get_min_rating().clamp(0, 5) as u8).unwrap_or_default();
    (MediaFilter { min_rating, status }, sort)
}

/// Connects the library view; returns its controller (kept alive by the window's callbacks).
pub fn connect(
    window: &AppWindow,
    db: Database,
    library: LibraryRoot,
    view: &StartupView,
    mode: LoadMode,
) -> Rc<LibraryController> {
    let adapter = window.global::<LibraryAdapter>();
    adapter.set_library_root(display_path(&view.library_root).into());
    let total = usize::try_from(view.total_count).unwrap_or(0);
    adapter.set_total_count(total as i32);
    adapter.set_filtered_count(total as i32);
    let model = GridRowsModel::new(PageCache::new(MediaFilter::default(), MediaSort::NewestFirst, total));
    adapter.set_rows(ModelRc::from(
        model.clone() as Rc<dyn slint::Model<Data = super::GridRow>>
    ));

    let controller = Rc::new(LibraryController {
        window: window.as_weak(),
        db,
        library,
        model: model.clone(),
        thumbs: RefCell::new(ThumbnailCache::new()),
        pending: RefCell::new(VecDeque::new()),
        pumping: Cell::new(false),
        mode,
        serial: Cell::new(0),
        selected: RefCell::new(BTreeSet::new()),
        anchor: Cell::new(None),
        current: Cell::new(None),
        me: RefCell::new(Weak::new()),
    });
    *controller.me.borrow_mut() = Rc::downgrade(&controller);
    let loader: Rc<dyn GridLoader> = controller.clone();
    model.set_loader(Rc::downgrade(&loader));

    let c = controller.clone();
    adapter.on_columns_changed(move |columns| c.model.set_columns(columns.max(1) as usize));
    let c = controller.clone();
    adapter.on_view_changed(move || c.reload_view());
    let c = controller.clone();
    adapter.on_cell_pressed(move |index, ctrl, shift| c.press(index.max(0) as usize, ctrl, shift));
    let c = controller.clone();
    adapter.on_selection_moved(move |delta| c.move_selection(delta));
    let c = controller.clone();
    adapter.on_rating_requested(move |stars| c.rate(stars));
    let c = controller.clone();
    adapter.on_status_requested(move |status| c.set_status(status));
    adapter.on_cell_activated(|_| {});
    controller
}

impl GridLoader for LibraryController {
    fn load_page(&self, request: PageRequest) {
        self.pending.borrow_mut().push_back(Pending::Page {
            request,
            serial: self.serial.get(),
        });
        self.kick();
    }

    fn load_thumbnail(&self, item: &Media) {
        let Some(relative) = item.thumb_path.as_deref() else {
            return;
        };
        let Ok(path) = self.library.resolve(relative) else {
            return;
        };
        if self.thumbs.borrow_mut().should_load(&item.id) {
            self.pending.borrow_mut().push_back(Pending::Thumbnail {
                id: item.id.clone(),
                path,
            });
            self.kick();
        }
    }

    fn thumbnail(&self, id: &MediaId) -> Option<slint::Image> {
        self.thumbs.borrow_mut().get(id)
    }
}

impl LibraryController {
    /// Starts the background pump if loads are waiting and none is running.
    fn kick(&self) {
        let LoadMode::Background(runtime) = &self.mode else {
            return;
        };
        if self.pumping.replace(true) {
            return;
        }
        let me = self.me.borrow().clone();
        let runtime = runtime.clone();
        let started = slint::spawn_local(async move {
            loop {
                let Some(this) = me.upgrade() else { return };
                let next = this.pending.borrow_mut().pop_front();
                let Some(next) = next else {
                    this.pumping.set(false);
                    return;
                };
                drop(this);
                match next {
                    Pending::Page { request, serial } => {
                        let Some(this) = me.upgrade() else { return };
                        let (filter, sort, db) = (
                            this.model.cache.borrow().filter(),
                            this.model.cache.borrow().sort(),
                            this.db.clone(),
                        );
                        drop(this);
                        let loaded = db
                            .call(move |c| request.load(c, &filter, sort).map(|items| (request, items)))
                            .await;
                        if let Some(this) = me.upgrade() {
                            this.page_arrived(serial, loaded);
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
            self.pumping.set(false);
        }
    }

    /// Carries out every queued load now, blocking (headless snapshot and tests). Returns how
    /// many loads ran.
    pub fn drain_blocking(&self) -> usize {
        let mut ran = 0;
        loop {
            let next = self.pending.borrow_mut().pop_front();
            let Some(next) = next else { return ran };
            ran += 1;
            match next {
                Pending::Page { request, serial } => {
                    let (filter, sort) = (self.model.cache.borrow().filter(), self.model.cache.borrow().sort());
                    let loaded = self
                        .db
                        .call_blocking(move |c| request.load(c, &filter, sort).map(|items| (request, items)));
                    self.page_arrived(serial, loaded);
                }
                Pending::Thumbnail { id, path } => {
                    let decoded = decode(&path);
                    self.thumbnail_arrived(id, decoded);
                }
            }
        }
    }

    fn page_arrived(&self, serial: u64, loaded: Result<(PageRequest, Vec<Media>), crate::db::DbError>) {
        if serial != self.serial.get() {
            return;
        }
        match loaded {
            Ok((request, items)) => {
                let page = request.page();
                self.model.cache.borrow_mut().insert(page, items);
                self.model.refresh_page(page);
            }
            Err(error) => tracing::error!(%error, "loading part of the library failed"),
        }
    }

    fn thumbnail_arrived(&self, id: MediaId, decoded: Option<slint::SharedPixelBuffer<slint::Rgb8Pixel>>) {
        match decoded {
            Some(pixels) => {
                self.thumbs.borrow_mut().insert(id.clone(), pixels);
                self.model.refresh_item(&id);
            }
            None => self.thumbs.borrow_mut().failed(&id),
        }
    }

    /// Re-reads counts and starts a new view for the current filter and sort.
    pub fn reload_view(&self) {
        let Some(window) = self.window.upgrade() else { return };
        let (filter, sort) = filter_from(&window.global::<LibraryAdapter>());
        self.serial.set(self.serial.get() + 1);
        let serial = self.serial.get();
        let counted = match &self.mode {
            LoadMode::OnDemand => Some(
                self.db
                    .call_blocking(move |c| Ok((media::count_all(c)?, media_query::count(c, &filter)?))),
            ),
            LoadMode::Background(_) => None,
        };
        match counted {
            Some(result) => self.apply_view(serial, filter, sort, result),
            None => {
                let me = self.me.borrow().clone();
                let db = self.db.clone();
                let _ = slint::spawn_local(async move {
                    let result = db
                        .call(move |c| Ok((media::count_all(c)?, media_query::count(c, &filter)?)))
                        .await;
                    if let Some(this) = me.upgrade() {
                        this.apply_view(serial, filter, sort, result);
                    }
                });
            }
        }
    }

    fn apply_view(
        &self,
        serial: u64,
        filter: MediaFilter,
        sort: MediaSort,
        counted: Result<(i64, i64), crate::db::DbError>,
    ) {
        if serial != self.serial.get() {
            return;
        }
        let (total, filtered) = match counted {
            Ok(counts) => counts,
            Err(error) => {
                tracing::error!(%error, "counting the library failed");
                return;
            }
        };
        self.pending
            .borrow_mut()
            .retain(|p| matches!(p, Pending::Thumbnail { .. }));
        self.model
            .replace_cache(PageCache::new(filter, sort, filtered as usize));
        self.anchor.set(None);
        self.current.set(None);
        self.selected.borrow_mut().clear();
        if let Some(window) = self.window.upgrade() {
            let adapter = window.global::<LibraryAdapter>();
            adapter.set_total_count(total as i32);
            adapter.set_filtered_count(filtered as i32);
        }
    }

    fn sync_selection(&self) {
        let selected = self.selected.borrow();
        let cache = self.model.cache.borrow();
        let indexes: BTreeSet<usize> = selected.iter().filter_map(|id| cache.position_of(id)).collect();
        drop(cache);
        let before = std::mem::replace(&mut *self.model.selected.borrow_mut(), indexes.clone());
        self.model
            .refresh_indexes(before.union(&indexes).copied().collect::<Vec<_>>());
    }

    fn id_at(&self, index: usize) -> Option<MediaId> {
        self.model.cache.borrow().peek(index).map(|m| m.id.clone())
    }

    /// Click: select one; Ctrl: toggle; Shift: extend from the anchor.
    pub fn press(&self, index: usize, ctrl: bool, shift: bool) {
        let Some(id) = self.id_at(index) else { return };
        {
            let mut selected = self.selected.borrow_mut();
            match (ctrl, shift, self.anchor.get()) {
                (_, true, Some(anchor)) => {
                    selected.clear();
                    for i in anchor.min(index)..=anchor.max(index) {
                        if let Some(id) = self.model.cache.borrow().peek(i) {
                            selected.insert(id.id.clone());
                        }
                    }
                }
                (true, _, _) => {
                    if !selected.remove(&id) {
                        selected.insert(id);
                    }
                    self.anchor.set(Some(index));
                }
                _ => {
                    selected.clear();
                    selected.insert(id);
                    self.anchor.set(Some(index));
                }
            }
        }
        self.current.set(Some(index));
        self.sync_selection();
    }

    /// Arrow keys: ±1 for left/right, ±columns for up/down (the adapter passes the delta).
    pub fn move_selection(&self, delta: i32) {
        let total = self.model.cache.borrow().len();
        if total == 0 {
            return;
        }
        let next = match self.current.get() {
            None => 0,
            Some(current) => (current as i64 + i64::from(delta)).clamp(0, total as i64 - 1) as usize,
        };
        self.press(next, false, false);
        if self.id_at(next).is_none() {
            // Not loaded yet: ask for it, and select it when it arrives on the next key.
            if let Some(request) = self.model.cache.borrow_mut().request_for(next) {
                self.load_page(request);
            }
            self.current.set(Some(next));
        }
        if let Some(window) = self.window.upgrade() {
            let adapter = window.global::<LibraryAdapter>();
            adapter.set_reveal_row(self.model.row_of(next) as i32);
            adapter.set_reveal_serial(adapter.get_reveal_serial() + 1);
        }
    }

    fn selected_ids(&self) -> Vec<MediaId> {
        self.selected.borrow().iter().cloned().collect()
    }

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
        let mut changed = Vec::new();
        for id in ids {
            let item = self
                .model
                .cache
                .borrow()
                .position_of(id)
                .and_then(|p| self.model.cache.borrow().peek(p).cloned());
            if let Some(mut item) = item {
                change(&mut item);
                if let Some(position) = self.model.cache.borrow_mut().update(item) {
                    changed.push(position);
                }
            }
        }
        self.model.refresh_indexes(changed);
    }

    /// Pending loads (tests and the snapshot check this is zero before rendering).
    pub fn pending_loads(&self) -> usize {
        self.pending.borrow().len()
    }

    pub fn thumbnail_bytes(&self) -> usize {
        self.thumbs.borrow().bytes()
    }
}
