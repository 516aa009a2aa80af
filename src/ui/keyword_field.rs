//! The info panel's keyword field: the current image's keywords as chips, Return (or a
//! suggestion) adding a keyword to the whole selection, a chip's × taking it off, and the
//! library's keywords offered while typing. Saving and undo are the grid's
//! ([`LibraryController::tag_selection`]); the rules are in `services::keywords`.

use super::events::WindowEvent;
use super::{AppWindow, InfoAdapter, LibraryController, LoadMode};
use crate::services::Catalog;
use crate::services::keywords::KeywordChange;
use crate::services::model::{Keyword, MediaId};
use slint::{ComponentHandle, ModelRc, SharedString, VecModel};
use std::cell::Cell;
use std::rc::{Rc, Weak};

/// Keywords offered while typing.
const SUGGESTIONS: i64 = 6;

pub struct KeywordField {
    window: slint::Weak<AppWindow>,
    catalog: Catalog,
    mode: LoadMode,
    grid: Weak<LibraryController>,
    /// Bumped per question, so a late answer (of an earlier item or text) is dropped.
    serial: Cell<u64>,
    me: Weak<KeywordField>,
}

pub fn connect(window: &AppWindow, catalog: Catalog, mode: LoadMode, grid: &Rc<LibraryController>) -> Rc<KeywordField> {
    let field = Rc::new_cyclic(|me| KeywordField {
        window: window.as_weak(),
        catalog,
        mode,
        grid: Rc::downgrade(grid),
        serial: Cell::new(0),
        me: me.clone(),
    });
    let adapter = window.global::<InfoAdapter>();
    show_list(&adapter, Vec::new(), ListKind::Keywords);
    show_list(&adapter, Vec::new(), ListKind::Suggestions);
    // The adapter's callbacks hold the field: it lives as long as the window.
    let f = field.clone();
    adapter.on_keyword_entered(move |typed| f.change(&typed, true));
    let f = field.clone();
    adapter.on_keyword_removed(move |name| f.change(&name, false));
    let f = field.clone();
    adapter.on_keyword_typed(move |typed| f.suggest(typed.to_string()));
    let f = Rc::downgrade(&field);
    grid.events().subscribe(move |event| {
        if let (WindowEvent::CurrentChanged { item, .. }, Some(field)) = (event, f.upgrade()) {
            field.show_keywords_of(item.as_ref().map(|item| item.id.clone()));
        }
    });
    field
}

enum ListKind {
    Keywords,
    Suggestions,
}

fn show_list(adapter: &InfoAdapter, names: Vec<String>, kind: ListKind) {
    let model = ModelRc::new(VecModel::from(
        names.into_iter().map(SharedString::from).collect::<Vec<_>>(),
    ));
    match kind {
        ListKind::Keywords => adapter.set_keywords(model),
        ListKind::Suggestions => adapter.set_keyword_suggestions(model),
    }
}

impl KeywordField {
    fn adapter_do(&self, f: impl FnOnce(&InfoAdapter)) {
        if let Some(window) = self.window.upgrade() {
            f(&window.global::<InfoAdapter>());
        }
    }

    /// Adds (or removes) `typed` on the selection; a keyword that cannot be one is explained
    /// under the field.
    fn change(&self, typed: &str, add: bool) {
        let keyword = match Keyword::parse(typed) {
            Ok(keyword) => keyword,
            Err(problem) => {
                let problem = if typed.trim().is_empty() {
                    String::new()
                } else {
                    crate::format::sentence(&problem.to_string())
                };
                self.adapter_do(|adapter| adapter.set_keyword_problem(problem.into()));
                return;
            }
        };
        self.adapter_do(|adapter| {
            adapter.set_keyword_problem(SharedString::new());
            show_list(adapter, Vec::new(), ListKind::Suggestions);
        });
        if let Some(grid) = self.grid.upgrade() {
            grid.tag_selection(if add {
                KeywordChange::Add(vec![keyword])
            } else {
                KeywordChange::Remove(vec![keyword])
            });
        }
    }

    /// Reads the keywords of the current item (none without one).
    fn show_keywords_of(&self, id: Option<MediaId>) {
        let serial = self.next_serial();
        let Some(id) = id else {
            self.adapter_do(|adapter| show_list(adapter, Vec::new(), ListKind::Keywords));
            return;
        };
        let weak = self.window.clone();
        let call = self.catalog.keywords_of(vec![id]);
        let me = self.me.clone();
        self.mode.answer(call, move |sets| {
            if me.upgrade().is_some_and(|field| field.serial.get() == serial)
                && let (Ok(mut sets), Some(window)) = (sets, weak.upgrade())
            {
                let names = sets.pop().map(|(_, names)| names).unwrap_or_default();
                show_list(&window.global::<InfoAdapter>(), names, ListKind::Keywords);
            }
        });
    }

    /// Offers the library's keywords starting with `typed`.
    fn suggest(&self, typed: String) {
        let serial = self.next_serial();
        if typed.trim().is_empty() {
            self.adapter_do(|adapter| show_list(adapter, Vec::new(), ListKind::Suggestions));
            return;
        }
        let weak = self.window.clone();
        let me = self.me.clone();
        self.mode
            .answer(self.catalog.keyword_suggestions(typed, SUGGESTIONS), move |found| {
                if me.upgrade().is_some_and(|field| field.serial.get() == serial)
                    && let (Ok(found), Some(window)) = (found, weak.upgrade())
                {
                    let names = found.into_iter().map(|keyword| keyword.name).collect();
                    show_list(&window.global::<InfoAdapter>(), names, ListKind::Suggestions);
                }
            });
    }

    fn next_serial(&self) -> u64 {
        self.serial.set(self.serial.get() + 1);
        self.serial.get()
    }
}
