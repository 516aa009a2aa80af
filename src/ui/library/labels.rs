//! Colour labels on the selection (the info panel's swatches, keys 6–9): saved in the
//! background, recorded for undo, and announced so the info panel shows the label again.

use super::LibraryController;
use crate::services::history::{Direction, Done, Edit, Outcome};
use crate::services::labels::LabelEdit;
use crate::services::model::Label;

impl LibraryController {
    /// Gives every selected item `label` (none takes it away), and records it for undo.
    pub fn label_selection(&self, label: Option<Label>) {
        let ids = self.selected_ids();
        if ids.is_empty() || self.catalog.is_read_only() {
            return;
        }
        let edit = LabelEdit::new(ids, label);
        self.run_query(self.catalog.apply_label(&edit), |this, saved| match saved {
            Ok(_) => this.notify_current(),
            Err(error) => this.show_notice(crate::i18n::fill(
                &crate::i18n::tr("The label could not be saved: {}"),
                &[&error.to_string()],
            )),
        });
        if let Some(history) = self.history.borrow().upgrade() {
            history.record(Edit::Label(edit));
        }
    }

    /// Undo: each item's label as it was. Redo: the label again.
    pub(crate) fn replay_label(&self, edit: LabelEdit, direction: Direction, done: Done) {
        let finish = move |this: &LibraryController, problem: Option<String>, edit: LabelEdit| {
            this.notify_current();
            done(Outcome {
                problem,
                edit: Some(Edit::Label(edit)),
            });
        };
        match direction {
            Direction::Undo => {
                let call = self.catalog.undo_label(&edit);
                self.run_query(call, move |this, restored| {
                    finish(
                        this,
                        restored
                            .err()
                            .map(|e| crate::i18n::fill(&crate::i18n::tr("Saving failed: {}"), &[&e.to_string()])),
                        edit,
                    )
                });
            }
            Direction::Redo => {
                let call = self.catalog.apply_label(&edit);
                self.run_query(call, move |this, saved| {
                    finish(
                        this,
                        saved
                            .err()
                            .map(|e| crate::i18n::fill(&crate::i18n::tr("Saving failed: {}"), &[&e.to_string()])),
                        edit,
                    )
                });
            }
        }
    }
}
