//! Naming collections in the panel (a new one, a smart one saving the view, a rename) and
//! deleting one after a question. A taken or unusable name is said under the field.

use super::{GridScope, Organise, OrganiseAdapter};
use crate::format::sentence;
use crate::services::model::{CollectionId, CollectionName, DbError};
use slint::ComponentHandle;

/// What the name field is for (`OrganiseAdapter.naming`).
const NAMING_NEW: i32 = 1;
const NAMING_SMART: i32 = 2;
const NAMING_RENAME: i32 = 3;

impl Organise {
    /// Enter in the name field: a new collection, a smart one saving the view, or a rename.
    pub(super) fn name_accepted(&self, typed: &str) {
        let Some(window) = self.window.upgrade() else { return };
        let adapter = window.global::<OrganiseAdapter>();
        let name = match CollectionName::parse(typed) {
            Ok(name) => name,
            Err(problem) => {
                adapter.set_naming_problem(sentence(&problem.to_string()).into());
                return;
            }
        };
        let naming = adapter.get_naming();
        let me = self.me.clone();
        let done = move |outcome: Result<Result<Option<CollectionId>, String>, DbError>| {
            let Some(this) = me.upgrade() else { return };
            let Some(window) = this.window.upgrade() else { return };
            let adapter = window.global::<OrganiseAdapter>();
            match outcome {
                Ok(Ok(made)) => {
                    adapter.set_naming(0);
                    adapter.set_naming_problem("".into());
                    if naming == NAMING_NEW {
                        this.target.set(made);
                    }
                    this.reload();
                }
                Ok(Err(taken)) => adapter.set_naming_problem(taken.into()),
                Err(error) => adapter.set_naming_problem(
                    crate::i18n::fill(&crate::i18n::tr("It could not be saved: {}"), &[&error.to_string()]).into(),
                ),
            }
        };
        let taken = |taken: crate::services::model::NameTaken| sentence(&taken.to_string());
        match naming {
            NAMING_NEW | NAMING_SMART => {
                let smart = (naming == NAMING_SMART)
                    .then(|| self.grid.upgrade().map(|grid| grid.view_as_saved_filter()))
                    .flatten();
                let call = self.catalog.create_collection(name, smart);
                self.mode
                    .answer(call, move |made| done(made.map(|r| r.map(Some).map_err(taken))));
            }
            NAMING_RENAME => {
                let Some(collection) = self.collection_at(adapter.get_naming_index()) else {
                    adapter.set_naming(0);
                    return;
                };
                let renamed_grid = self.grid.clone();
                let new_name = name.name().to_owned();
                let call = self.catalog.rename_collection(collection.id, name);
                self.mode.answer(call, move |renamed| {
                    // The count bar names the collection shown.
                    if let (Ok(Ok(true)), Some(grid)) = (&renamed, renamed_grid.upgrade())
                        && let GridScope::Collection { id, saved, .. } = grid.scope()
                        && id == collection.id
                    {
                        let filter = grid.scope_base();
                        grid.show_scope(
                            GridScope::Collection {
                                id,
                                name: new_name,
                                saved,
                            },
                            filter,
                        );
                    }
                    done(renamed.map(|r| r.map(|_| None).map_err(taken)))
                });
            }
            _ => {}
        }
    }

    pub(super) fn ask_delete(&self, index: i32) {
        let Some(collection) = self.collection_at(index) else {
            return;
        };
        let Some(window) = self.window.upgrade() else { return };
        self.deleting.set(Some(collection.id));
        let adapter = window.global::<OrganiseAdapter>();
        adapter.set_delete_question(
            crate::i18n::fill(&crate::i18n::tr("Delete the collection “{}”?"), &[&collection.name]).into(),
        );
        adapter.set_delete_confirming(true);
    }

    pub(super) fn delete_confirmed(&self) {
        if let Some(window) = self.window.upgrade() {
            window.global::<OrganiseAdapter>().set_delete_confirming(false);
        }
        let Some(id) = self.deleting.take() else { return };
        let me = self.me.clone();
        self.mode.answer(self.catalog.delete_collection(id), move |deleted| {
            let Some(this) = me.upgrade() else { return };
            if let Err(error) = deleted {
                this.tell(crate::i18n::fill(
                    &crate::i18n::tr("The collection could not be deleted: {}"),
                    &[&error.to_string()],
                ));
            }
            this.reload();
        });
    }

    pub(super) fn delete_cancelled(&self) {
        self.deleting.set(None);
        if let Some(window) = self.window.upgrade() {
            window.global::<OrganiseAdapter>().set_delete_confirming(false);
        }
    }
}
