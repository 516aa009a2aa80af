//! Delete from the grid: the question, the move to the trash off the UI thread, and what the
//! user is told afterwards. Also the other context-menu actions on the selection.

use super::{LibraryAdapter, LibraryController};
use crate::library::delete::DeleteReport;
use crate::library::trash::TrashPolicy;
use crate::services::history::Edit;
use crate::services::model::{DbError, MediaId};
use std::time::Duration;

/// How long a notice stays up.
const NOTICE_FOR: Duration = Duration::from_secs(5);

impl LibraryController {
    /// Delete key or the context menu: ask first (naming the file when there is one, which
    /// is read off the UI thread).
    pub fn request_delete(&self) {
        if self.catalog.is_read_only() {
            return;
        }
        self.delete_target.borrow_mut().take();
        let ids = self.selected_ids();
        if ids.is_empty() {
            return;
        }
        let ask = |this: &LibraryController, question: String| {
            this.adapter_do(|adapter| {
                adapter.set_delete_question(question.into());
                adapter.set_delete_confirming(true);
            });
        };
        if ids.len() > 1 {
            ask(
                self,
                crate::i18n::tr_n(
                    "Move {n} image to the trash?",
                    "Move {n} images to the trash?",
                    ids.len() as u64,
                    &crate::format::grouped(ids.len() as i64),
                ),
            );
            return;
        }
        let id = ids[0].clone();
        self.run_query(self.catalog.item(id), move |this, found| {
            let question = match found {
                Ok(Some(item)) => crate::i18n::fill(&crate::i18n::tr("Move “{}” to the trash?"), &[&item.file_name]),
                _ => crate::i18n::tr("Move 1 image to the trash?"),
            };
            ask(this, question);
        });
    }

    /// Ctrl+Backspace or the context menu: every rejected item of the view (with the view's
    /// rating filter and search), found off the UI thread, after a question naming the count.
    pub fn request_delete_rejected(&self) {
        if self.catalog.is_read_only() {
            return;
        }
        let filter = self.model.cache.borrow().filter();
        let Some(rejected) = self.catalog.rejected_in(filter) else {
            self.show_notice(crate::i18n::tr("No rejected images in this view."));
            return;
        };
        self.run_query(rejected, |this, found| match found {
            Ok(ids) if ids.is_empty() => this.show_notice(crate::i18n::tr("No rejected images in this view.")),
            Ok(ids) => {
                let count = ids.len();
                *this.delete_target.borrow_mut() = Some(ids);
                let question = crate::i18n::tr_n(
                    "Move the {n} rejected image to the trash?",
                    "Move the {n} rejected images to the trash?",
                    count as u64,
                    &crate::format::grouped(count as i64),
                );
                this.adapter_do(|adapter| {
                    adapter.set_delete_question(question.into());
                    adapter.set_delete_confirming(true);
                });
            }
            Err(error) => this.show_notice(crate::i18n::fill(
                &crate::i18n::tr("The rejected images could not be listed: {}"),
                &[&error.to_string()],
            )),
        });
    }

    pub fn cancel_delete(&self) {
        self.delete_target.borrow_mut().take();
        self.adapter_do(|adapter| adapter.set_delete_confirming(false));
    }

    /// The user said yes: files to the trash and rows removed, off the UI thread; then the
    /// grid refreshes and the item after the deleted one becomes current.
    pub fn confirm_delete(&self) {
        self.adapter_do(|adapter| adapter.set_delete_confirming(false));
        let ids = self
            .delete_target
            .borrow_mut()
            .take()
            .unwrap_or_else(|| self.selected_ids());
        if ids.is_empty() {
            return;
        }
        let (catalog, policy) = (self.catalog.clone(), self.trash_policy.get());
        let work = move || catalog.move_to_trash(ids, policy);
        let me = self.me.borrow().clone();
        // Undo waits until the delete is done and recorded.
        let history = self.history.borrow().upgrade();
        if let Some(history) = &history {
            history.begin();
        }
        self.mode.run(work, move |result| {
            let removed = match &result {
                Ok(report) if !report.removed.is_empty() => Some(Edit::Delete(report.removed.clone())),
                _ => None,
            };
            if let Some(this) = me.upgrade() {
                this.deleted(result);
            }
            if let Some(history) = history {
                history.end(removed);
            }
        });
    }

    fn deleted(&self, result: Result<DeleteReport, DbError>) {
        match result {
            Ok(report) => {
                self.forget_deleted(&report.deleted_ids());
                let mut notice = report.summary();
                if !report.removed.is_empty() {
                    notice.push(' ');
                    notice.push_str(&crate::i18n::tr("Ctrl+Z puts them back."));
                }
                self.show_notice(notice);
            }
            Err(error) => self.show_notice(crate::i18n::fill(
                &crate::i18n::tr("Deleting failed: {}. Nothing was removed from the library."),
                &[&error.to_string()],
            )),
        }
        self.refresh();
    }

    /// Deleted items leave the selection; the item after the first deleted one takes over,
    /// as in a list after a delete (the refresh finds the current item gone and selects what
    /// is now in its place).
    pub(super) fn forget_deleted(&self, deleted: &[MediaId]) {
        {
            let mut selected = self.selection.selected.borrow_mut();
            for id in deleted {
                selected.remove(id);
            }
        }
        let first = self.model.selected.borrow().iter().next().copied();
        if first.is_some()
            && self
                .selection
                .current_id
                .borrow()
                .as_ref()
                .is_some_and(|id| deleted.contains(id))
        {
            self.selection.current.set(first);
        }
    }

    /// Where deleted files go (tests use the library's own trash to find them again).
    pub fn set_trash_policy(&self, policy: TrashPolicy) {
        self.trash_policy.set(policy);
    }

    /// Shows a short message above the count bar for a few seconds.
    pub fn show_notice(&self, text: String) {
        self.adapter_do(|adapter| adapter.set_notice(text.into()));
        let window = self.window.clone();
        self.notice_timer
            .start(slint::TimerMode::SingleShot, NOTICE_FOR, move || {
                if let Some(window) = window.upgrade() {
                    use slint::ComponentHandle;
                    window.global::<LibraryAdapter>().set_notice("".into());
                }
            });
    }

    /// Right-click: a cell outside the selection becomes the selection, as in a file manager.
    pub fn context_requested(&self, index: usize) {
        let inside = self.model.selected.borrow().contains(&index);
        if !inside {
            self.press(index, false, false);
        }
    }
}
