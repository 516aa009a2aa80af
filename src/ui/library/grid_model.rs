//! The grid's row model: rows of `columns` cells over the page cache. Rows are built when
//! Slint asks for them (only visible rows); missing pages and thumbnails are requested then,
//! and the rows are refreshed when they arrive.

use crate::browse::{PAGE_SIZE, PageCache};
use crate::services::model::{MediaId, ViewItem};
use crate::ui::{GridCell, GridRow, StripCell};
use slint::{Model, ModelNotify, ModelRc, ModelTracker, VecModel};
use std::cell::{Cell, RefCell};
use std::collections::{BTreeSet, HashMap};
use std::rc::Rc;

/// Rows whose cells are kept as live models (a few screens' worth).
const LIVE_ROWS: usize = 48;

/// What the model needs from its owner: loading pages and thumbnails in the background.
pub trait GridLoader {
    fn load_page(&self, request: crate::browse::PageRequest);
    fn load_thumbnail(&self, item: &ViewItem);
    fn thumbnail(&self, id: &MediaId) -> Option<slint::Image>;
    /// Whether the library check found the item's original missing.
    fn is_missing(&self, id: &MediaId) -> bool;
    /// The size of the item's stack and whether it is collapsed, if it is in one.
    fn stack(&self, id: &MediaId) -> Option<(u32, bool)>;
}

pub struct GridRowsModel {
    pub cache: RefCell<PageCache>,
    pub columns: Cell<usize>,
    pub selected: RefCell<BTreeSet<usize>>,
    loader: RefCell<Option<std::rc::Weak<dyn GridLoader>>>,
    notify: ModelNotify,
    /// The loupe's film strip: the same items, one per cell, only those in `strip_range`
    /// (first, end) exist.
    strip_range: Cell<(usize, usize)>,
    strip_notify: ModelNotify,
    /// The cells of recently shown rows, updated in place: a cell whose rating, selection
    /// or thumbnail changes keeps its element, so a press that selects it does not end the
    /// gesture it starts (a drag to the generation panel, a double-click).
    live_rows: RefCell<HashMap<usize, Rc<VecModel<GridCell>>>>,
}

impl GridRowsModel {
    pub fn new(cache: PageCache) -> Rc<Self> {
        Rc::new(Self {
            cache: RefCell::new(cache),
            columns: Cell::new(4),
            selected: RefCell::new(BTreeSet::new()),
            loader: RefCell::new(None),
            notify: ModelNotify::default(),
            strip_range: Cell::new((0, 0)),
            strip_notify: ModelNotify::default(),
            live_rows: RefCell::new(HashMap::new()),
        })
    }

    pub fn set_loader(&self, loader: std::rc::Weak<dyn GridLoader>) {
        *self.loader.borrow_mut() = Some(loader);
    }

    fn loader(&self) -> Option<Rc<dyn GridLoader>> {
        self.loader.borrow().as_ref().and_then(|l| l.upgrade())
    }

    /// A new view (filter, sort or library change): everything is rebuilt.
    pub fn replace_cache(&self, cache: PageCache) {
        *self.cache.borrow_mut() = cache;
        self.selected.borrow_mut().clear();
        self.live_rows.borrow_mut().clear();
        self.notify.reset();
        self.strip_notify.reset();
    }

    pub fn set_columns(&self, columns: usize) {
        if columns.max(1) != self.columns.get() {
            self.columns.set(columns.max(1));
            self.live_rows.borrow_mut().clear();
            self.notify.reset();
        }
    }

    pub fn row_of(&self, index: usize) -> usize {
        index / self.columns.get()
    }

    /// Refreshes the rows that show `indexes`.
    pub fn refresh_indexes(&self, indexes: impl IntoIterator<Item = usize>) {
        let indexes: Vec<usize> = indexes.into_iter().collect();
        let (first, end) = self.strip_range.get();
        for &index in &indexes {
            if (first..end).contains(&index) {
                self.strip_notify.row_changed(index - first);
            }
        }
        let rows: BTreeSet<usize> = indexes.into_iter().map(|i| self.row_of(i)).collect();
        for row in rows {
            self.refresh_row(row);
        }
    }

    /// Brings a row up to date: in place if its cells are live, otherwise by asking Slint to
    /// read it again.
    fn refresh_row(&self, row: usize) {
        if row >= self.row_count() {
            return;
        }
        let live = self.live_rows.borrow().get(&row).cloned();
        match live {
            Some(cells) => self.update_cells(row, &cells),
            None => self.notify.row_changed(row),
        }
    }

    /// Sets the cells of `row` that changed.
    fn update_cells(&self, row: usize, cells: &VecModel<GridCell>) {
        let loader = self.loader();
        let (first, end) = self.row_span(row);
        if cells.row_count() != end - first {
            let fresh: Vec<GridCell> = (first..end).map(|i| self.cell(i, loader.as_ref())).collect();
            cells.set_vec(fresh);
            return;
        }
        for (column, index) in (first..end).enumerate() {
            let cell = self.cell(index, loader.as_ref());
            if cells.row_data(column).as_ref() != Some(&cell) {
                cells.set_row_data(column, cell);
            }
        }
    }

    /// The item indexes of `row`: first..end.
    fn row_span(&self, row: usize) -> (usize, usize) {
        let total = self.cache.borrow().len();
        let columns = self.columns.get();
        let first = (row * columns).min(total);
        (first, (first + columns).min(total))
    }

    /// Refreshes the rows of a page that just arrived.
    pub fn refresh_page(&self, page: usize) {
        let first = page * PAGE_SIZE;
        let last = (first + PAGE_SIZE).min(self.cache.borrow().len());
        if first < last {
            let columns = self.columns.get();
            for row in first / columns..=(last - 1) / columns {
                self.refresh_row(row);
            }
            let (strip_first, strip_end) = self.strip_range.get();
            for index in first.max(strip_first)..last.min(strip_end) {
                self.strip_notify.row_changed(index - strip_first);
            }
        }
    }

    /// Refreshes the row showing the item with this id, if it is loaded.
    pub fn refresh_item(&self, id: &MediaId) {
        let position = self.cache.borrow().position_of(id);
        if let Some(position) = position {
            self.refresh_indexes([position]);
        }
    }

    fn cell(&self, index: usize, loader: Option<&Rc<dyn GridLoader>>) -> GridCell {
        let selected = self.selected.borrow().contains(&index);
        let mut cache = self.cache.borrow_mut();
        let Some(item) = cache.get(index).cloned() else {
            if let (Some(request), Some(loader)) = (cache.request_for(index), loader) {
                drop(cache);
                loader.load_page(request);
            }
            return GridCell {
                index: index as i32,
                selected,
                ..GridCell::default()
            };
        };
        drop(cache);
        let thumbnail = loader.and_then(|l| l.thumbnail(&item.id));
        let stack = loader.and_then(|l| l.stack(&item.id));
        if thumbnail.is_none()
            && let Some(loader) = loader
        {
            loader.load_thumbnail(&item);
        }
        GridCell {
            index: index as i32,
            loaded: thumbnail.is_some(),
            thumbnail: thumbnail.unwrap_or_default(),
            rating: i32::from(item.rating.stars()),
            status: crate::ui::marks::cull_mark(item.status),
            selected,
            missing: loader.is_some_and(|l| l.is_missing(&item.id)),
            stack_size: stack.map_or(0, |(size, _)| size as i32),
            stack_collapsed: stack.is_some_and(|(_, collapsed)| collapsed),
        }
    }
}

impl Model for GridRowsModel {
    type Data = GridRow;

    fn row_count(&self) -> usize {
        self.cache.borrow().len().div_ceil(self.columns.get())
    }

    fn row_data(&self, row: usize) -> Option<GridRow> {
        let (first, end) = self.row_span(row);
        if first >= end {
            return None;
        }
        let live = self.live_rows.borrow().get(&row).cloned();
        let cells = match live {
            Some(cells) => {
                self.update_cells(row, &cells);
                cells
            }
            None => {
                let loader = self.loader();
                let cells: Vec<GridCell> = (first..end).map(|i| self.cell(i, loader.as_ref())).collect();
                let cells = Rc::new(VecModel::from(cells));
                self.keep_live(row, cells.clone());
                cells
            }
        };
        Some(GridRow {
            cells: ModelRc::from(cells as Rc<dyn Model<Data = GridCell>>),
        })
    }

    fn model_tracker(&self) -> &dyn ModelTracker {
        &self.notify
    }
}

impl GridRowsModel {
    /// Keeps `cells` as the live cells of `row`, forgetting the rows farthest from it when
    /// there are too many (they are rebuilt if shown again).
    fn keep_live(&self, row: usize, cells: Rc<VecModel<GridCell>>) {
        let mut live = self.live_rows.borrow_mut();
        live.insert(row, cells);
        if live.len() > LIVE_ROWS {
            let mut rows: Vec<usize> = live.keys().copied().collect();
            rows.sort_by_key(|r| std::cmp::Reverse(r.abs_diff(row)));
            for far in rows.into_iter().take(live.len() - LIVE_ROWS) {
                live.remove(&far);
            }
        }
    }

    /// Shows the items `first..=last` (and a few either side) in the film strip.
    pub fn set_strip_range(&self, first: usize, last: usize) {
        const BUFFER: usize = 8;
        let len = self.cache.borrow().len();
        let range = (first.saturating_sub(BUFFER).min(len), (last + 1 + BUFFER).min(len));
        if range != self.strip_range.get() {
            self.strip_range.set(range);
            self.strip_notify.reset();
        }
    }
}

/// The film strip's view of the grid model: one cell per item of the visible range.
pub struct StripView(pub Rc<GridRowsModel>);

impl Model for StripView {
    type Data = StripCell;

    fn row_count(&self) -> usize {
        let (first, end) = self.0.strip_range.get();
        end.min(self.0.cache.borrow().len()).saturating_sub(first)
    }

    fn row_data(&self, row: usize) -> Option<StripCell> {
        if row >= self.row_count() {
            return None;
        }
        let index = self.0.strip_range.get().0 + row;
        let cell = self.0.cell(index, self.0.loader().as_ref());
        Some(StripCell {
            index: cell.index,
            thumbnail: cell.thumbnail,
            loaded: cell.loaded,
            rating: cell.rating,
            status: cell.status,
        })
    }

    fn model_tracker(&self) -> &dyn ModelTracker {
        &self.0.strip_notify
    }
}
