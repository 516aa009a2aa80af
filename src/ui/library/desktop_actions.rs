//! The current image handed to the desktop: shown in the file manager, opened in the default
//! application, copied to the clipboard. The work runs on its own thread (a D-Bus call, an
//! application starting, a decode); a failure comes back as a notice, never silently.

use super::LibraryController;
use crate::services::originals::Unfound;
use std::path::{Path, PathBuf};

/// What to do with the current image's file: what to tell the user when it worked (if
/// anything), or why it did not.
type FileAction = fn(&Path, &str) -> Result<Option<String>, String>;

impl LibraryController {
    /// Shows the current image selected in the desktop's file manager.
    pub fn show_in_folder(&self) {
        self.with_current_file(|path, name| crate::desktop::reveal_in_file_manager(path, name).map(|()| None));
    }

    /// Opens the current image in the desktop's default application for its type.
    pub fn open_in_default_app(&self) {
        self.with_current_file(|path, name| crate::desktop::open_in_default_app(path, name).map(|()| None));
    }

    /// Puts the current image's pixels on the clipboard.
    pub fn copy_image(&self) {
        self.with_current_file(|path, name| {
            crate::desktop::copy_image(path, name)?;
            Ok(Some(crate::i18n::tr("Image copied to the clipboard.")))
        });
    }

    /// Copies the selection: one image's pixels, or several images as a list of files (what
    /// a file manager or a mail pastes). Files that cannot be reached are named, not copied.
    pub fn copy_selection(&self) {
        let ids = self.selection_in_view_order();
        if ids.len() < 2 {
            self.copy_image();
            return;
        }
        let catalog = self.catalog.clone();
        let me = self.me.borrow().clone();
        self.mode.run(
            move || {
                let mut paths = Vec::with_capacity(ids.len());
                let mut unreachable = Vec::new();
                for id in &ids {
                    match catalog.locate(id) {
                        Ok(original) if original.path.is_file() => paths.push(original.path),
                        Ok(original) => unreachable.push(original.file_name),
                        Err(Unfound::Unreachable { file_name, .. }) => unreachable.push(file_name),
                        Err(_) => {}
                    }
                }
                if paths.is_empty() {
                    return Err(crate::i18n::tr("None of the selected files could be found."));
                }
                let copied = std::panic::catch_unwind(|| crate::desktop::copy_files(&paths))
                    .unwrap_or_else(|_| Err(crate::i18n::tr("The clipboard stopped unexpectedly.")));
                copied.map(|()| copied_files_notice(paths.len(), &unreachable))
            },
            move |outcome| {
                if let Some(this) = me.upgrade() {
                    this.show_notice(outcome.unwrap_or_else(|problem| problem));
                }
            },
        );
    }

    fn with_current_file(&self, action: FileAction) {
        let Some(id) = self.selection.current_id.borrow().clone() else {
            return;
        };
        let catalog = self.catalog.clone();
        let me = self.me.borrow().clone();
        self.mode.run(
            move || catalog.locate(&id),
            move |found| {
                let Some(this) = me.upgrade() else { return };
                match found {
                    // A file missing from disk is named by the action itself.
                    Ok(original) => this.run_file_action(action, original.path, original.file_name),
                    Err(Unfound::Unreachable { file_name, reason }) => {
                        this.show_notice(format!("{file_name} cannot be reached: {reason}."))
                    }
                    Err(Unfound::Unreadable(error)) => {
                        tracing::error!(%error, "the current image could not be looked up")
                    }
                    // Deleted meanwhile: nothing to act on.
                    Err(_) => {}
                }
            },
        );
    }

    /// Runs `action` off the UI thread (at once in tests) and says how it went.
    fn run_file_action(&self, action: FileAction, path: PathBuf, name: String) {
        let me = self.me.borrow().clone();
        self.mode.run(
            move || {
                // A panic in a desktop library must still end in a notice.
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| action(&path, &name)))
                    .unwrap_or_else(|_| Err(crate::i18n::tr("That did not finish: the action stopped unexpectedly.")))
            },
            move |outcome| {
                let Some(this) = me.upgrade() else { return };
                match outcome {
                    Ok(Some(done)) => this.show_notice(done),
                    Ok(None) => {}
                    Err(problem) => this.show_notice(problem),
                }
            },
        );
    }
}

/// "Copied 5 files to the clipboard." and what was left out.
fn copied_files_notice(copied: usize, unreachable: &[String]) -> String {
    use crate::i18n::{fill, tr_n};
    let shown = crate::format::grouped(copied as i64);
    let n = copied as u64;
    match unreachable {
        [] => tr_n(
            "Copied {n} file to the clipboard.",
            "Copied {n} files to the clipboard.",
            n,
            &shown,
        ),
        [one] => fill(
            &tr_n(
                "Copied {n} file to the clipboard; {} could not be found.",
                "Copied {n} files to the clipboard; {} could not be found.",
                n,
                &shown,
            ),
            &[one],
        ),
        many => fill(
            &tr_n(
                "Copied {n} file to the clipboard; {} could not be found ({}, …).",
                "Copied {n} files to the clipboard; {} could not be found ({}, …).",
                n,
                &shown,
            ),
            &[&many.len().to_string(), &many[0]],
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::copied_files_notice;

    #[test]
    fn the_notice_names_what_was_left_out() {
        assert_eq!(copied_files_notice(3, &[]), "Copied 3 files to the clipboard.");
        assert_eq!(
            copied_files_notice(1, &["a.png".into()]),
            "Copied 1 file to the clipboard; a.png could not be found."
        );
        assert_eq!(
            copied_files_notice(2, &["a.png".into(), "b.png".into()]),
            "Copied 2 files to the clipboard; 2 could not be found (a.png, …)."
        );
    }
}
