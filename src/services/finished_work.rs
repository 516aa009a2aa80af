//! What a long piece of work says when it ends: a batch of generations, an import, an
//! export or a library check. The window shows it as a desktop notification when it is in
//! the background (ui/notifier.rs); the words and the image a click shows are decided here.

use crate::i18n::{fill, tr, tr_n};
use crate::queue::JobUpdate;
use crate::services::model::{JobId, JobStatus, MediaId};
use std::collections::HashSet;

/// One finished piece of work, as the user is told of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FinishedWork {
    /// "Generation finished", "Import failed".
    pub title: String,
    /// What came of it, in a sentence or two.
    pub body: String,
    /// Whether something went wrong (the notification says so by its category).
    pub failed: bool,
    /// The image a click on the notification shows in the grid, if the work made or
    /// touched one.
    pub show: Option<MediaId>,
}

impl FinishedWork {
    /// An import's outcome; `None` for an import that brought nothing and had nothing to
    /// say (every file already in the library is still worth a word).
    pub fn import(report: &crate::import::ImportReport) -> Option<Self> {
        let failed = report.has_failures() && report.imported.is_empty();
        let nothing = report.imported.is_empty()
            && report.already_in_library.is_empty()
            && !report.has_failures()
            && report.not_started == 0;
        if nothing {
            return None;
        }
        let show = report
            .imported
            .first()
            .or(report.already_in_library.first())
            .map(|(_, id)| id.clone());
        Some(Self {
            title: if failed {
                tr("Import failed")
            } else {
                tr("Import finished")
            },
            body: crate::format::sentence(&report.summary()),
            failed,
            show,
        })
    }

    /// An export's outcome (`folder` as the user named it), or why it could not run.
    pub fn export(outcome: &Result<crate::services::exporting::ExportSummary, String>, folder: &str) -> Self {
        match outcome {
            Ok(summary) => Self {
                title: if summary.written.is_empty() && !summary.failed.is_empty() {
                    tr("Export failed")
                } else {
                    tr("Export finished")
                },
                body: crate::format::sentence(&summary.summary_to(folder)),
                failed: !summary.failed.is_empty(),
                show: summary.written.first().map(|(id, _)| id.clone()),
            },
            Err(problem) => Self {
                title: tr("Export failed"),
                body: crate::format::sentence(problem),
                failed: true,
                show: None,
            },
        }
    }

    /// A library check's finding (`finding` already a sentence), or why it could not run.
    pub fn check(outcome: Result<(String, usize), String>) -> Self {
        match outcome {
            Ok((finding, problems)) => Self {
                title: if problems == 0 {
                    tr("Library check finished")
                } else {
                    tr("Library check found problems")
                },
                body: finding,
                failed: problems > 0,
                show: None,
            },
            Err(problem) => Self {
                title: tr("Library check failed"),
                body: crate::format::sentence(&fill(&tr("the check could not run: {}"), &[&problem])),
                failed: true,
                show: None,
            },
        }
    }
}

/// Follows the queue's updates and tells when it has run dry: every job that was waiting
/// or running has ended. One notification per batch, however many jobs it held; a batch
/// the user cancelled whole says nothing.
#[derive(Debug, Default)]
pub struct BatchTally {
    active: HashSet<JobId>,
    made: Vec<MediaId>,
    errors: Vec<String>,
    cancelled: usize,
}

impl BatchTally {
    /// Takes one update; returns the batch's outcome when this update ended the last job.
    pub fn apply(&mut self, update: &JobUpdate) -> Option<FinishedWork> {
        match update.status {
            JobStatus::Pending | JobStatus::Processing => {
                self.active.insert(update.job_id.clone());
                return None;
            }
            JobStatus::Completed => {
                if let Some((id, _)) = &update.media {
                    self.made.push(id.clone());
                }
            }
            JobStatus::Failed => self
                .errors
                .push(update.error.clone().unwrap_or_else(|| tr("the engine gave no reason"))),
            JobStatus::Cancelled => self.cancelled += 1,
        }
        // A job this window never saw start (it ended as the window opened) is no batch.
        if !self.active.remove(&update.job_id) || !self.active.is_empty() {
            return None;
        }
        let finished = self.outcome();
        *self = Self::default();
        finished
    }

    fn outcome(&self) -> Option<FinishedWork> {
        let (made, failed) = (self.made.len(), self.errors.len());
        if made == 0 && failed == 0 {
            return None;
        }
        let count = |n: usize| crate::format::grouped(n as i64);
        let mut parts = vec![tr_n("{n} image made", "{n} images made", made as u64, &count(made))];
        if failed > 0 {
            parts.push(tr_n("{n} failed", "{n} failed", failed as u64, &count(failed)));
        }
        if self.cancelled > 0 {
            parts.push(tr_n(
                "{n} cancelled",
                "{n} cancelled",
                self.cancelled as u64,
                &count(self.cancelled),
            ));
        }
        let mut body = crate::format::sentence(&parts.join(", "));
        if let Some(first) = self.errors.first() {
            body.push(' ');
            body.push_str(&crate::format::sentence(first));
        }
        Some(FinishedWork {
            title: if made == 0 {
                tr("Generation failed")
            } else {
                tr("Generation finished")
            },
            body,
            failed: failed > 0,
            // The grid's newest-first order puts the last image made at the top.
            show: self.made.last().cloned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn update(job: &JobId, status: JobStatus) -> JobUpdate {
        JobUpdate::new(job.clone(), status)
    }

    fn completed(job: &JobId, media: &MediaId) -> JobUpdate {
        let mut update = update(job, JobStatus::Completed);
        update.media = Some((media.clone(), PathBuf::from("/l/x.png")));
        update
    }

    #[test]
    fn a_batch_is_told_once_when_its_last_job_ends() {
        let mut tally = BatchTally::default();
        let (a, b, c) = (JobId::new(), JobId::new(), JobId::new());
        let (one, two) = (MediaId::new(), MediaId::new());
        for job in [&a, &b, &c] {
            assert_eq!(tally.apply(&update(job, JobStatus::Pending)), None);
        }
        assert_eq!(tally.apply(&update(&a, JobStatus::Processing)), None);
        assert_eq!(tally.apply(&completed(&a, &one)), None);
        let mut failed = update(&b, JobStatus::Failed);
        failed.error = Some("the engine ran out of memory".into());
        assert_eq!(tally.apply(&failed), None);
        let told = tally.apply(&completed(&c, &two)).expect("the batch ended");
        assert_eq!(told.title, "Generation finished");
        assert_eq!(told.body, "2 images made, 1 failed. The engine ran out of memory.");
        assert!(told.failed);
        assert_eq!(told.show, Some(two));
        // The next batch starts from nothing.
        let d = JobId::new();
        tally.apply(&update(&d, JobStatus::Pending));
        let told = tally.apply(&completed(&d, &MediaId::new())).unwrap();
        assert_eq!(told.body, "1 image made.");
        assert!(!told.failed);
    }

    #[test]
    fn a_cancelled_batch_and_jobs_never_seen_starting_say_nothing() {
        let mut tally = BatchTally::default();
        let a = JobId::new();
        tally.apply(&update(&a, JobStatus::Pending));
        assert_eq!(tally.apply(&update(&a, JobStatus::Cancelled)), None);
        assert_eq!(tally.apply(&completed(&JobId::new(), &MediaId::new())), None);
    }

    #[test]
    fn a_batch_where_every_job_failed_says_generation_failed() {
        let mut tally = BatchTally::default();
        let a = JobId::new();
        tally.apply(&update(&a, JobStatus::Processing));
        let told = tally.apply(&update(&a, JobStatus::Failed)).unwrap();
        assert_eq!(told.title, "Generation failed");
        assert_eq!(told.body, "0 images made, 1 failed. The engine gave no reason.");
        assert_eq!(told.show, None);
    }

    #[test]
    fn an_import_names_what_came_in_and_shows_the_first() {
        let mut report = crate::import::ImportReport::default();
        assert_eq!(FinishedWork::import(&report), None);
        let first = MediaId::new();
        report.imported.push((PathBuf::from("/p/a.png"), first.clone()));
        report
            .failed
            .push((PathBuf::from("/p/b.png"), "is not an image".into()));
        let told = FinishedWork::import(&report).unwrap();
        assert_eq!(told.title, "Import finished");
        assert_eq!(told.body, "1 imported, 1 failed.");
        assert_eq!(told.show, Some(first));
        report.imported.clear();
        assert_eq!(FinishedWork::import(&report).unwrap().title, "Import failed");
    }

    #[test]
    fn a_check_and_an_export_that_could_not_run_say_why() {
        let told = FinishedWork::check(Err("the database is locked".into()));
        assert_eq!(told.title, "Library check failed");
        assert_eq!(told.body, "The check could not run: the database is locked.");
        let told = FinishedWork::export(&Err("the folder is read-only".into()), "~/Out");
        assert_eq!(
            (told.title.as_str(), told.body.as_str()),
            ("Export failed", "The folder is read-only.")
        );
    }
}
