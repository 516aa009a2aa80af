//! Undo and redo of the library's edits (ratings, statuses, deletes), carried out for
//! [`crate::services::history::History`]. Afterwards the edited items are selected and shown, so
//! the user sees what changed back, in the grid or the loupe.

use super::LibraryController;
use crate::library::untrash::DeletedItem;
use crate::services::history::{CullEdit, Direction, Done, Edit, History, Outcome};
use crate::services::model::{CullField, CullState, MediaId};
use std::collections::{BTreeSet, HashMap};
use std::rc::Rc;

impl LibraryController {
    /// Where this library's edits are recorded for undo.
    pub fn set_history(&self, history: &Rc<History>) {
        *self.history.borrow_mut() = Rc::downgrade(history);
    }

    /// Runs `command`; the edits it makes are undone as one (when there is a history).
    pub fn as_one_edit(&self, command: impl FnOnce(&Self)) {
        let history = self.history.borrow().upgrade();
        match history {
            Some(history) => history.as_one(|| command(self)),
            None => command(self),
        }
    }

    /// Undo: the items' rating (or status) and `updated_at` as they were before. Redo: the
    /// change again.
    pub(crate) fn replay_cull(&self, edit: CullEdit, direction: Direction, done: Done) {
        if direction == Direction::Redo {
            self.apply_cull(&edit);
            self.after_replay(edit.ids.clone());
            // The save is queued on the database thread, before anything asked later.
            done(Outcome {
                edit: Some(Edit::Cull(edit)),
                problem: None,
            });
            return;
        }
        let field = edit.change.field();
        self.run_query(
            self.catalog.restore_culls(edit.states_before(), field),
            move |this, restored| match restored {
                Ok(states) => {
                    this.show_states(&states, field);
                    this.after_replay(edit.ids.clone());
                    done(Outcome {
                        edit: Some(Edit::Cull(edit)),
                        problem: None,
                    });
                }
                Err(error) => done(Outcome {
                    edit: Some(Edit::Cull(edit)),
                    problem: Some(crate::i18n::fill(
                        &crate::i18n::tr("Saving failed: {}"),
                        &[&error.to_string()],
                    )),
                }),
            },
        );
    }

    /// Undo: files back from the trash and rows back as they were. Redo: to the trash again.
    pub(crate) fn replay_delete(&self, items: Vec<DeletedItem>, direction: Direction, done: Done) {
        let (catalog, policy) = (self.catalog.clone(), self.trash_policy.get());
        let me = self.me.borrow().clone();
        match direction {
            Direction::Undo => self.mode.run(
                move || catalog.put_back(items),
                move |result| {
                    let Some(this) = me.upgrade() else { return };
                    match result {
                        Ok(report) => {
                            let problem = Some(report.problems()).filter(|p| !p.is_empty());
                            let ids = report
                                .restored
                                .iter()
                                .map(|item| item.stored.media.id.clone())
                                .collect();
                            // Redo deletes again what came back.
                            let edit = (!report.restored.is_empty()).then_some(Edit::Delete(report.restored));
                            this.after_replay(ids);
                            done(Outcome { edit, problem });
                        }
                        Err(error) => done(Outcome {
                            edit: None,
                            problem: Some(crate::i18n::fill(
                                &crate::i18n::tr("The library could not be updated: {}"),
                                &[&error.to_string()],
                            )),
                        }),
                    }
                },
            ),
            Direction::Redo => {
                let ids: Vec<MediaId> = items.iter().map(|item| item.stored.media.id.clone()).collect();
                self.mode.run(
                    move || catalog.move_to_trash(ids, policy),
                    move |result| {
                        let Some(this) = me.upgrade() else { return };
                        match result {
                            Ok(report) => {
                                let problem = report.failed.first().map(|_| report.summary());
                                let edit = (!report.removed.is_empty()).then(|| Edit::Delete(report.removed.clone()));
                                this.forget_deleted(&report.deleted_ids());
                                this.refresh();
                                done(Outcome { edit, problem });
                            }
                            Err(error) => done(Outcome {
                                edit: None,
                                problem: Some(crate::i18n::fill(
                                    &crate::i18n::tr("Deleting failed: {}"),
                                    &[&error.to_string()],
                                )),
                            }),
                        }
                    },
                )
            }
        }
    }

    /// Shows restored states on the loaded items at once.
    fn show_states(&self, states: &[CullState], field: CullField) {
        let by_id: HashMap<&MediaId, &CullState> = states.iter().map(|s| (&s.id, s)).collect();
        let ids: Vec<MediaId> = states.iter().map(|s| s.id.clone()).collect();
        self.update_loaded(&ids, |item| {
            if let Some(state) = by_id.get(&item.id) {
                match field {
                    CullField::Rating => item.rating = state.rating,
                    CullField::Status => item.status = state.status,
                }
            }
        });
    }

    /// The view is read again (an item may have come back into the filter), and the edited
    /// items become the selection with the first one current.
    fn after_replay(&self, ids: Vec<MediaId>) {
        self.refresh();
        let Some(first) = ids.first().cloned() else { return };
        self.go_to_then(first, false, move |this| {
            let in_view: BTreeSet<MediaId> = {
                let cache = this.model.cache.borrow();
                ids.iter()
                    .filter(|id| cache.position_of(id).is_some())
                    .cloned()
                    .collect()
            };
            if in_view.len() > 1 {
                this.selection.selected.borrow_mut().extend(in_view);
                this.sync_selection();
            }
        });
    }
}
