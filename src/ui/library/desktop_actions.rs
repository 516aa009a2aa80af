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
            Ok(Some("Image copied to the clipboard.".to_owned()))
        });
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
                    .unwrap_or_else(|_| Err("That did not finish: the action stopped unexpectedly.".to_owned()))
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
