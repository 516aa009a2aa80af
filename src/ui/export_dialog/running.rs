//! An export on its way: the batch on the blocking pool, its progress read into the status
//! bar, a cancel, and the summary with "Show in Folder" when it ends.

use super::{ExportDialog, Running, grouped};
use crate::export::ExportOptions;
use crate::format::sentence;
use crate::services::exporting::{ExportProgress, ExportSummary};
use crate::services::finished_work::FinishedWork;
use crate::services::model::MediaId;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;

/// How often the status bar reads the export's progress.
const PROGRESS_EVERY: Duration = Duration::from_millis(100);

impl ExportDialog {
    /// Exports `ids` in the background; the dialog closes and the status bar follows.
    pub(super) fn run(&self, ids: Vec<MediaId>, options: ExportOptions) {
        let running = Running {
            cancel: Arc::new(AtomicBool::new(false)),
            done: Arc::new(AtomicUsize::new(0)),
            total: ids.len(),
        };
        let (cancel, done) = (running.cancel.clone(), running.done.clone());
        *self.running.borrow_mut() = Some(running);
        self.adapter_do(|a| {
            a.set_open(false);
            a.set_problem("".into());
            a.set_summary("".into());
            a.set_running(true);
        });
        self.show_progress();
        let me = self.me.clone();
        self.progress_timer
            .start(slint::TimerMode::Repeated, PROGRESS_EVERY, move || {
                if let Some(this) = me.upgrade() {
                    this.show_progress();
                }
            });
        let catalog = self.catalog.clone();
        let folder = options.folder.clone();
        let me = self.me.clone();
        self.mode.run(
            move || {
                let progress = |step: ExportProgress| done.store(step.done, Ordering::Relaxed);
                // A panic in an encoder must still end the export with a message.
                match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    catalog.export_blocking(&ids, &options, &cancel, &progress)
                })) {
                    Ok(Ok(summary)) => Ok(summary),
                    Ok(Err(refused)) => Err(sentence(&refused.to_string())),
                    Err(_) => Err(crate::i18n::tr(
                        "The export stopped unexpectedly; the files written so far are kept.",
                    )),
                }
            },
            move |outcome| {
                if let Some(this) = me.upgrade() {
                    this.finished(outcome, folder);
                }
            },
        );
    }

    fn show_progress(&self) {
        let Some((done, total)) = self
            .running
            .borrow()
            .as_ref()
            .map(|r| (r.done.load(Ordering::Relaxed), r.total))
        else {
            return;
        };
        self.adapter_do(|a| {
            a.set_done(done as i32);
            a.set_total(total as i32);
            // The image being written now, counted from 1.
            let at = (done + 1).min(total);
            a.set_progress_text(
                crate::i18n::fill(&crate::i18n::tr("Exporting {} of {}"), &[&grouped(at), &grouped(total)]).into(),
            );
        });
    }

    fn finished(&self, outcome: Result<ExportSummary, String>, folder: PathBuf) {
        self.progress_timer.stop();
        self.running.borrow_mut().take();
        self.adapter_do(|a| a.set_running(false));
        let shown_folder = crate::format::display_path(&folder);
        let events = self.events.borrow().clone();
        if let Some(events) = events {
            let told = FinishedWork::export(&outcome, &shown_folder);
            events.publish(crate::ui::events::WindowEvent::WorkFinished(told));
        }
        match outcome {
            Ok(summary) => {
                let text = summary.summary_to(&shown_folder);
                let warns = summary.cancelled || !summary.failed.is_empty();
                for (id, reason) in &summary.failed {
                    tracing::warn!(%id, %reason, "an image was not exported");
                }
                let first = summary.written.first().map(|(_, path)| path.clone());
                *self.last.borrow_mut() = Some((folder, first));
                self.adapter_do(|a| {
                    a.set_summary(text.into());
                    a.set_summary_warns(warns);
                });
            }
            // The dialog opens again saying why.
            Err(problem) => self.adapter_do(|a| {
                a.set_problem(problem.into());
                a.set_open(true);
            }),
        }
    }

    /// Tells `events` of the end of each export.
    pub fn tell_finished_to(&self, events: crate::ui::events::WindowEvents) {
        *self.events.borrow_mut() = Some(events);
    }

    pub(super) fn cancel(&self) {
        if let Some(running) = self.running.borrow().as_ref() {
            running.cancel.store(true, Ordering::SeqCst);
        }
    }

    /// The file manager on the export's folder, with its first file selected.
    pub(super) fn show_folder(&self) {
        let Some((folder, first)) = self.last.borrow().clone() else {
            return;
        };
        let me = self.me.clone();
        self.mode.run(
            move || match first {
                Some(file) => crate::desktop::reveal_in_file_manager(&file, &file.display().to_string()),
                None => crate::desktop::open_in_default_app(&folder, &folder.display().to_string()),
            },
            move |shown| {
                if let (Some(this), Err(problem)) = (me.upgrade(), shown) {
                    this.tell(problem);
                }
            },
        );
    }
}
