//! Keywords on the selection: added or removed in the background, recorded for undo, and
//! announced so the info panel shows the current item's keywords again.

use super::LibraryController;
use crate::services::history::{Direction, Done, Edit, KeywordEdit, Outcome};
use crate::services::keywords::KeywordChange;
use crate::services::model::MediaId;

impl LibraryController {
    /// Adds or removes keywords on every selected item, and records it for undo.
    pub fn tag_selection(&self, change: KeywordChange) {
        self.tag(self.selected_ids(), change);
    }

    /// Adds or removes keywords on `ids`, and records it for undo.
    pub fn tag(&self, ids: Vec<MediaId>, change: KeywordChange) {
        if ids.is_empty() || self.catalog.is_read_only() {
            return;
        }
        let edit = KeywordEdit::new(ids, change);
        self.apply_keywords(&edit);
        if let Some(history) = self.history.borrow().upgrade() {
            history.record(Edit::Keywords(edit));
        }
    }

    fn apply_keywords(&self, edit: &KeywordEdit) {
        self.run_query(self.catalog.apply_keywords(edit), |this, saved| match saved {
            Ok(_) => this.keywords_changed(),
            Err(error) => this.show_notice(crate::i18n::fill(
                &crate::i18n::tr("The keywords could not be saved: {}"),
                &[&error.to_string()],
            )),
        });
    }

    /// Undo: each item's keywords as they were. Redo: the change again.
    pub(crate) fn replay_keywords(&self, edit: KeywordEdit, direction: Direction, done: Done) {
        let call = match direction {
            Direction::Undo => self.catalog.restore_keywords(edit.sets_before()),
            Direction::Redo => {
                let redo = self.catalog.apply_keywords(&edit);
                self.run_query(redo, move |this, saved| {
                    this.keywords_changed();
                    done(Outcome {
                        problem: saved.err().map(|error| {
                            crate::i18n::fill(&crate::i18n::tr("Saving failed: {}"), &[&error.to_string()])
                        }),
                        edit: Some(Edit::Keywords(edit)),
                    });
                });
                return;
            }
        };
        self.run_query(call, move |this, restored| {
            this.keywords_changed();
            done(Outcome {
                problem: restored
                    .err()
                    .map(|error| crate::i18n::fill(&crate::i18n::tr("Saving failed: {}"), &[&error.to_string()])),
                edit: Some(Edit::Keywords(edit)),
            });
        });
    }

    /// Keywords are searched with the prompt: the view is refreshed, and the current item
    /// announced again (the info panel reads its keywords).
    fn keywords_changed(&self) {
        self.refresh();
        self.notify_current();
    }
}
