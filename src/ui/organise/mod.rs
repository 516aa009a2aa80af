//! OrganiseAdapter: the collections and keywords panel. It lists the library's collections
//! (manual and smart) and keywords with their counts, kept current as the library changes;
//! choosing one scopes the grid. Creating, renaming and deleting collections are here;
//! putting images in and taking them out is in `membership`.

mod membership;
mod naming;

use super::library::{GridScope, LibraryController};
use super::{AppWindow, CollectionEntry, KeywordEntry, LoadMode, OrganiseAdapter};
use crate::format::{grouped, sentence};
use crate::services::Catalog;
use crate::services::collections::CollectionSummary;
use crate::services::model::{CollectionId, DbError, Keyword, KeywordCount, MediaFilter};
use slint::{ComponentHandle, ModelRc, VecModel};
use std::cell::{Cell, RefCell};
use std::rc::{Rc, Weak};

/// The panel lists the most used keywords first; a library with more shows these many.
const KEYWORDS_LISTED: usize = 300;

pub struct Organise {
    window: slint::Weak<AppWindow>,
    catalog: Catalog,
    mode: LoadMode,
    grid: Weak<LibraryController>,
    collections: RefCell<Vec<CollectionSummary>>,
    keywords: RefCell<Vec<KeywordCount>>,
    library_count: Cell<i64>,
    /// Where B puts the selection: the collection made or added to last, or chosen.
    target: Cell<Option<CollectionId>>,
    /// The collection the open delete question is about.
    deleting: Cell<Option<CollectionId>>,
    /// A reload is on its way; another was asked for meanwhile.
    loading: Cell<bool>,
    load_again: Cell<bool>,
    /// The library changed while the panel was closed: its counts are read when it opens
    /// (counting a smart collection over a large library is not free, and the grid's page
    /// loads wait behind it on the database thread).
    stale: Cell<bool>,
    /// Where membership changes are recorded for undo (the window's history).
    history: RefCell<Weak<crate::services::history::History>>,
    me: Weak<Organise>,
}

pub fn connect(window: &AppWindow, catalog: Catalog, mode: LoadMode, grid: &Rc<LibraryController>) -> Rc<Organise> {
    let organise = Rc::new_cyclic(|me| Organise {
        window: window.as_weak(),
        catalog,
        mode,
        grid: Rc::downgrade(grid),
        collections: RefCell::new(Vec::new()),
        keywords: RefCell::new(Vec::new()),
        library_count: Cell::new(0),
        target: Cell::new(None),
        deleting: Cell::new(None),
        loading: Cell::new(false),
        load_again: Cell::new(false),
        stale: Cell::new(false),
        history: RefCell::new(Weak::new()),
        me: me.clone(),
    });
    let adapter = window.global::<OrganiseAdapter>();
    adapter.set_collections(ModelRc::default());
    adapter.set_keywords(ModelRc::default());
    let with = super::while_alive(&organise);
    let w = with.clone();
    adapter.on_library_chosen(move || w(&|o| o.show_library()));
    let w = with.clone();
    adapter.on_collection_chosen(move |index| w(&|o| o.show_collection(index)));
    let w = with.clone();
    adapter.on_keyword_chosen(move |index, add| w(&|o| o.show_keyword(index, add)));
    let w = with.clone();
    adapter.on_name_accepted(move |typed| w(&|o| o.name_accepted(&typed)));
    let w = with.clone();
    adapter.on_delete_requested(move |index| w(&|o| o.ask_delete(index)));
    let w = with.clone();
    adapter.on_delete_confirmed(move || w(&|o| o.delete_confirmed()));
    let w = with.clone();
    adapter.on_delete_cancelled(move || w(&|o| o.delete_cancelled()));
    let w = with.clone();
    adapter.on_panel_shown(move || w(&|o| o.panel_shown()));
    membership::connect(&adapter, with);
    // Read now only if the panel opens with the window; otherwise when it is first opened,
    // so a window started with it closed spends nothing on counting.
    organise.library_changed();
    organise
}

impl Organise {
    pub fn set_history(&self, history: &Rc<crate::services::history::History>) {
        *self.history.borrow_mut() = Rc::downgrade(history);
    }

    /// The library changed: the lists are read again now if the panel is open, else when it
    /// opens.
    pub fn library_changed(&self) {
        let open = self
            .window
            .upgrade()
            .is_some_and(|w| w.global::<super::ShellAdapter>().get_organise_panel_shown());
        if open {
            self.reload();
        } else {
            self.stale.set(true);
        }
    }

    /// The panel appeared: counts that went stale meanwhile are read again.
    fn panel_shown(&self) {
        if self.stale.replace(false) {
            self.reload();
        }
    }

    /// Reads the lists and their counts again. Calls while one is on its way make one more
    /// afterwards.
    pub fn reload(&self) {
        if self.loading.replace(true) {
            self.load_again.set(true);
            return;
        }
        let me = self.me.clone();
        let catalog = self.catalog.clone();
        self.mode.answer(self.catalog.collection_list(), move |collections| {
            let Some(this) = me.upgrade() else { return };
            this.mode.answer(catalog.keyword_list(), move |keywords| {
                let Some(this) = me.upgrade() else { return };
                this.mode.answer(catalog.library_total(), move |total| {
                    let Some(this) = me.upgrade() else { return };
                    this.loaded(collections, keywords, total);
                });
            });
        });
    }

    fn loaded(
        &self,
        collections: Result<Vec<CollectionSummary>, DbError>,
        keywords: Result<Vec<KeywordCount>, DbError>,
        total: Result<i64, DbError>,
    ) {
        self.loading.set(false);
        match (collections, keywords, total) {
            (Ok(collections), Ok(mut keywords), Ok(total)) => {
                keywords.sort_by(|a, b| b.images.cmp(&a.images).then_with(|| a.name.cmp(&b.name)));
                keywords.truncate(KEYWORDS_LISTED);
                *self.collections.borrow_mut() = collections;
                *self.keywords.borrow_mut() = keywords;
                self.library_count.set(total);
                self.forget_gone();
                self.show();
            }
            (Err(error), _, _) | (_, Err(error), _) | (_, _, Err(error)) => {
                tracing::error!(%error, "the collections and keywords could not be read")
            }
        }
        if self.load_again.replace(false) {
            self.reload();
        }
    }

    /// A collection deleted elsewhere (another window, the command line) is no longer the
    /// target, and the grid leaves it.
    fn forget_gone(&self) {
        let exists = |id: CollectionId| self.collections.borrow().iter().any(|c| c.id == id);
        if self.target.get().is_some_and(|id| !exists(id)) {
            self.target.set(None);
        }
        if let Some(grid) = self.grid.upgrade()
            && let GridScope::Collection { id, .. } = grid.scope()
            && !exists(id)
        {
            grid.show_scope(GridScope::Library, MediaFilter::default());
        }
    }

    /// Fills the panel from the lists, marking what the grid shows (also when the grid's
    /// scope changed outside the panel: `WindowEvent::ScopeChanged`).
    pub fn show(&self) {
        let Some(window) = self.window.upgrade() else { return };
        let adapter = window.global::<OrganiseAdapter>();
        let scope = self.grid.upgrade().map(|grid| grid.scope()).unwrap_or_default();
        let shown_keywords: Vec<String> = match &scope {
            GridScope::Keywords(names) => names.iter().map(|n| n.to_lowercase()).collect(),
            _ => Vec::new(),
        };
        let collections: Vec<CollectionEntry> = self
            .collections
            .borrow()
            .iter()
            .map(|c| CollectionEntry {
                name: c.name.as_str().into(),
                count: grouped(c.images).into(),
                smart: c.smart,
                problem: c.problem.clone().unwrap_or_default().into(),
                shown: matches!(&scope, GridScope::Collection { id, .. } if *id == c.id),
                target: self.target.get() == Some(c.id),
            })
            .collect();
        let keywords: Vec<KeywordEntry> = self
            .keywords
            .borrow()
            .iter()
            .map(|k| KeywordEntry {
                name: k.name.as_str().into(),
                count: grouped(k.images).into(),
                shown: shown_keywords.contains(&k.name.to_lowercase()),
            })
            .collect();
        adapter.set_library_count(grouped(self.library_count.get()).into());
        adapter.set_library_shown(scope == GridScope::Library);
        adapter.set_collections(ModelRc::new(VecModel::from(collections)));
        adapter.set_keywords(ModelRc::new(VecModel::from(keywords)));
    }

    /// The collection at `index` of the list (the Export dialog asks too).
    pub fn collection_at(&self, index: i32) -> Option<CollectionSummary> {
        usize::try_from(index)
            .ok()
            .and_then(|i| self.collections.borrow().get(i).cloned())
    }

    fn show_library(&self) {
        if let Some(grid) = self.grid.upgrade() {
            grid.show_scope(GridScope::Library, MediaFilter::default());
        }
    }

    fn show_collection(&self, index: i32) {
        let Some(collection) = self.collection_at(index) else {
            return;
        };
        let me = self.me.clone();
        self.mode
            .answer(self.catalog.collection_scope(collection.id), move |scope| {
                let Some(this) = me.upgrade() else { return };
                match scope {
                    Ok(Ok(filter)) => {
                        if let Some(grid) = this.grid.upgrade() {
                            let scope = GridScope::Collection {
                                id: collection.id,
                                name: collection.name.clone(),
                                saved: collection.saved.clone(),
                            };
                            grid.show_scope(scope, filter);
                        }
                    }
                    Ok(Err(problem)) => this.tell(sentence(&problem.to_string())),
                    Err(error) => this.tell(crate::i18n::fill(
                        &crate::i18n::tr("The collection could not be read: {}"),
                        &[&error.to_string()],
                    )),
                }
            });
    }

    /// Shows the images carrying the keyword at `index`; with `add`, those carrying it and
    /// the keywords shown already (a second click with Ctrl takes it away again).
    fn show_keyword(&self, index: i32, add: bool) {
        let Some(grid) = self.grid.upgrade() else { return };
        let Some(name) = usize::try_from(index)
            .ok()
            .and_then(|i| self.keywords.borrow().get(i).map(|k| k.name.clone()))
        else {
            return;
        };
        let mut names = match grid.scope() {
            GridScope::Keywords(names) if add => names,
            _ => Vec::new(),
        };
        if let Some(at) = names.iter().position(|n| n.to_lowercase() == name.to_lowercase()) {
            names.remove(at);
        } else {
            names.push(name);
        }
        if names.is_empty() {
            grid.show_scope(GridScope::Library, MediaFilter::default());
        } else {
            let filter = MediaFilter {
                keywords: names
                    .iter()
                    .filter_map(|n| Keyword::parse(n).ok())
                    .map(|k| k.folded().to_owned())
                    .collect(),
                ..MediaFilter::default()
            };
            grid.show_scope(GridScope::Keywords(names), filter);
        }
    }

    /// A toast in the grid.
    fn tell(&self, text: String) {
        if let Some(grid) = self.grid.upgrade() {
            grid.show_notice(text);
        }
    }
}
