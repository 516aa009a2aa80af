//! LibraryAdapter: the grid, its filter and sort, selection, culling keys and delete.
//!
//! Everything here runs on the UI thread and never waits on the database or the disk: pages
//! and thumbnails are queued and loaded in the background (`spawn_local` awaiting the
//! database thread and tokio's blocking pool), then the affected rows are refreshed. The
//! headless snapshot and the tests drain the same queue synchronously instead.

mod culling;
mod delete;
mod desktop_actions;
mod grid_model;
mod keywords;
mod labels;
mod load_queue;
mod loads;
mod more_filters;
mod scope;
mod selection;
mod selection_state;
mod stacks;
mod thumbnails;
mod undo;
mod view;
mod view_state;

use super::{AppWindow, LibraryAdapter};
use crate::browse::PageCache;
use crate::services::model::{DbError, MediaId, StackInfo, ViewItem};
use crate::services::{Call, Catalog};
use crate::ui::StartupView;
pub use grid_model::StripView;
use grid_model::{GridLoader, GridRowsModel};
use load_queue::Loads;
use selection_state::Selection;
use slint::{ComponentHandle, ModelRc};
use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};
use view_state::ViewState;

pub use scope::GridScope;
pub(crate) use thumbnails::decode as decode_thumbnail;

pub use super::events::Culled;
use super::events::{WindowEvent, WindowEvents};

/// How queued loads are carried out.
#[derive(Clone)]
pub enum LoadMode {
    /// In the background: the interactive window.
    Background(tokio::runtime::Handle),
    /// When the owner calls `drain_blocking` (the headless snapshot, tests).
    OnDemand,
}

impl LoadMode {
    /// Sends `call` to the catalogue and hands its answer to `then` on the UI thread (at
    /// once, blocking, on demand: the snapshot and tests).
    pub fn answer<T: Send + 'static>(&self, call: Call<T>, then: impl FnOnce(Result<T, DbError>) + 'static) {
        match self {
            LoadMode::OnDemand => then(call.wait()),
            LoadMode::Background(_) => {
                let _ = slint::spawn_local(async move { then(call.answer().await) });
            }
        }
    }

    /// Runs `work` off the UI thread (at once, on demand) and hands its result to `done` on
    /// the UI thread.
    pub fn run<T: Send + 'static>(&self, work: impl FnOnce() -> T + Send + 'static, done: impl FnOnce(T) + 'static) {
        match self {
            LoadMode::OnDemand => done(work()),
            LoadMode::Background(runtime) => {
                let task = runtime.spawn_blocking(work);
                let _ = slint::spawn_local(async move {
                    match task.await {
                        Ok(result) => done(result),
                        Err(error) => tracing::error!(%error, "a background task failed"),
                    }
                });
            }
        }
    }
}

pub struct LibraryController {
    window: slint::Weak<AppWindow>,
    catalog: Catalog,
    pub model: Rc<GridRowsModel>,
    /// Pages and thumbnails asked for and not yet arrived, and the decoded thumbnails.
    loads: Loads,
    mode: LoadMode,
    /// Which view is shown and whether a refresh of it is on its way.
    view: ViewState,
    /// What is selected and current.
    selection: Selection,
    trash_policy: Cell<crate::library::trash::TrashPolicy>,
    /// What the open delete question is about when it is not the selection (the rejected
    /// items of the view).
    delete_target: RefCell<Option<Vec<MediaId>>>,
    /// Where the current item, the selection size and culling keys are announced.
    events: WindowEvents,
    notice_timer: slint::Timer,
    /// The stacks (of more than one image) of loaded items.
    stacks: RefCell<std::collections::HashMap<MediaId, StackInfo>>,
    /// Items whose original the library check found missing (marked in the grid).
    missing: RefCell<std::collections::HashSet<MediaId>>,
    /// Where edits are recorded for undo (the window's history).
    history: RefCell<Weak<crate::services::history::History>>,
    /// The part of the library shown (all of it, a collection, some keywords).
    scope: RefCell<scope::ScopeState>,
    me: RefCell<Weak<LibraryController>>,
}

/// Connects the library view; returns its controller (kept alive by the window's callbacks).
pub fn connect(
    window: &AppWindow,
    catalog: Catalog,
    events: WindowEvents,
    view: &StartupView,
    mode: LoadMode,
) -> Rc<LibraryController> {
    let adapter = window.global::<LibraryAdapter>();
    adapter.set_library_root(crate::format::display_path(&view.library_root).into());
    let grid_view = view.ui_state.grid;
    view::show_grid_view(&adapter, &grid_view);
    more_filters::reset(&adapter);
    view::show_counts(&adapter, view.total_count, view.filtered_count, None);
    let (filter, sort) = grid_view.filter_and_sort();
    let filtered = usize::try_from(view.filtered_count).unwrap_or(0);
    let model = GridRowsModel::new(PageCache::new(filter, sort, filtered));
    adapter.set_rows(ModelRc::from(
        model.clone() as Rc<dyn slint::Model<Data = super::GridRow>>
    ));

    let controller = Rc::new(LibraryController {
        window: window.as_weak(),
        catalog,
        model: model.clone(),
        loads: Loads::default(),
        mode,
        view: ViewState::default(),
        selection: Selection::default(),
        trash_policy: Cell::new(crate::library::trash::TrashPolicy::Desktop),
        delete_target: RefCell::new(None),
        events,
        notice_timer: slint::Timer::default(),
        stacks: RefCell::new(std::collections::HashMap::new()),
        missing: RefCell::new(std::collections::HashSet::new()),
        history: RefCell::new(Weak::new()),
        scope: RefCell::new(scope::ScopeState::default()),
        me: RefCell::new(Weak::new()),
    });
    *controller.me.borrow_mut() = Rc::downgrade(&controller);
    let loader: Rc<dyn GridLoader> = controller.clone();
    model.set_loader(Rc::downgrade(&loader));

    controller.load_missing();
    let c = controller.clone();
    adapter.on_columns_changed(move |columns| c.model.set_columns(columns.max(1) as usize));
    let c = controller.clone();
    adapter.on_view_changed(move || c.reload_view());
    let c = controller.clone();
    adapter.on_thumbnail_size_chosen(move || {
        c.save_grid_view();
    });
    let c = controller.clone();
    adapter.on_cell_pressed(move |index, ctrl, shift| c.press(index.max(0) as usize, ctrl, shift));
    let c = controller.clone();
    adapter.on_selection_moved(move |delta| c.move_selection(delta));
    let c = controller.clone();
    adapter.on_rating_requested(move |stars| {
        c.rate(stars);
        c.notify_culled(Culled::Rating(stars));
    });
    let c = controller.clone();
    adapter.on_status_requested(move |status| {
        c.set_status(status);
        c.notify_culled(Culled::Status(status));
    });
    adapter.on_cell_activated(|_| {});
    let c = controller.clone();
    adapter.on_context_requested(move |index| c.context_requested(index.max(0) as usize));
    let c = controller.clone();
    adapter.on_delete_requested(move || c.request_delete());
    let c = controller.clone();
    adapter.on_delete_confirmed(move || c.confirm_delete());
    let c = controller.clone();
    adapter.on_delete_rejected_requested(move || c.request_delete_rejected());
    let c = controller.clone();
    adapter.on_delete_cancelled(move || c.cancel_delete());
    let c = controller.clone();
    adapter.on_stack_toggled(move |index| c.toggle_stack_at(index.max(0) as usize));
    let c = controller.clone();
    adapter.on_stack_toggle_requested(move || {
        if let Some(position) = c.current_position() {
            c.toggle_stack_at(position);
        }
    });
    let c = controller.clone();
    adapter.on_all_stacks_requested(move |collapsed| c.set_all_stacks_collapsed(collapsed));
    let c = controller.clone();
    adapter.on_show_in_folder_requested(move || c.show_in_folder());
    let c = controller.clone();
    adapter.on_copy_requested(move || c.copy_selection());
    let c = controller.clone();
    adapter.on_more_filters_opened(move || c.load_model_choices());
    let c = controller.clone();
    adapter.on_scope_cleared(move || c.show_scope(GridScope::Library, Default::default()));
    controller
}

impl LibraryController {
    /// Pending loads (tests and the snapshot check this is zero before rendering).
    pub fn pending_loads(&self) -> usize {
        self.loads.pending()
    }

    pub fn thumbnail_bytes(&self) -> usize {
        self.loads.thumbnail_bytes()
    }

    /// The window's event channel, where this grid announces the current item and culls.
    pub fn events(&self) -> &WindowEvents {
        &self.events
    }

    /// Announces the current item as it is now (once everyone has subscribed).
    pub fn announce_current(&self) {
        self.notify_current();
    }

    fn notify_culled(&self, culled: Culled) {
        self.events.publish(WindowEvent::Culled(culled));
    }

    /// Where the current item is in the view, if there is one.
    pub fn current_position(&self) -> Option<usize> {
        self.selection.current.get()
    }

    /// How many items the view holds.
    pub fn view_len(&self) -> usize {
        self.model.cache.borrow().len()
    }

    /// The item at `index` if its page is loaded; otherwise asks for the page (listeners
    /// hear about it when it arrives) and returns `None`.
    pub fn item_at(&self, index: usize) -> Option<ViewItem> {
        if let Some(item) = self.model.cache.borrow().peek(index) {
            return Some(item.clone());
        }
        let request = self.model.cache.borrow_mut().request_for(index);
        if let Some(request) = request {
            use grid_model::GridLoader;
            self.load_page(request);
        }
        None
    }

    /// Announces the current item as loaded now, and the selection's size.
    fn notify_current(&self) {
        let item = {
            let cache = self.model.cache.borrow();
            let current_id = self.selection.current_id.borrow();
            self.selection
                .current
                .get()
                .and_then(|p| cache.peek(p))
                .filter(|m| Some(&m.id) == current_id.as_ref())
                .cloned()
        };
        let selected = self.selection.selected.borrow().len();
        self.events.publish(WindowEvent::CurrentChanged { item, selected });
    }

    fn adapter_do(&self, f: impl FnOnce(&LibraryAdapter)) {
        if let Some(window) = self.window.upgrade() {
            f(&window.global::<LibraryAdapter>());
        }
    }
}
