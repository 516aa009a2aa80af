//! PathPromptAdapter: the app's own file chooser where the desktop has none. It asks for
//! paths, checks them (`desktop::chooser::typed_paths`) and hands them on, or says what is
//! wrong and stays open.

use super::{AppWindow, PathPromptAdapter};
use crate::desktop::chooser::{Choose, typed_paths};
use slint::ComponentHandle;
use std::cell::RefCell;
use std::path::PathBuf;
use std::rc::Rc;

/// Where the chosen paths go (nothing when cancelled).
pub type Chosen = Box<dyn FnOnce(Vec<PathBuf>)>;

pub struct PathPrompt {
    window: slint::Weak<AppWindow>,
    asked: RefCell<Option<(Choose, Chosen)>>,
}

pub fn connect(window: &AppWindow) -> Rc<PathPrompt> {
    let prompt = Rc::new(PathPrompt {
        window: window.as_weak(),
        asked: RefCell::new(None),
    });
    let adapter = window.global::<PathPromptAdapter>();
    let p = Rc::downgrade(&prompt);
    adapter.on_submitted(move |text| {
        if let Some(prompt) = p.upgrade() {
            prompt.submitted(&text);
        }
    });
    let p = Rc::downgrade(&prompt);
    adapter.on_cancelled(move || {
        if let Some(prompt) = p.upgrade() {
            prompt.finish(Vec::new());
        }
    });
    prompt
}

impl PathPrompt {
    /// Asks for `choose` under `title`; a question still open is cancelled first.
    pub fn ask(&self, title: &str, choose: Choose, chosen: Chosen) {
        self.finish(Vec::new());
        let hint = crate::i18n::tr(match &choose {
            Choose::Files { many: true, .. } => {
                crate::i18n::later("Type or paste the full path of each file (or folder) to use, one per line.")
            }
            Choose::Files { many: false, .. } => crate::i18n::later("Type or paste the full path of the file."),
            Choose::Folders { many: true } => {
                crate::i18n::later("Type or paste the full path of each folder, one per line.")
            }
            Choose::Folders { many: false } => crate::i18n::later("Type or paste the full path of the folder."),
        });
        *self.asked.borrow_mut() = Some((choose, chosen));
        if let Some(window) = self.window.upgrade() {
            let adapter = window.global::<PathPromptAdapter>();
            adapter.set_title(title.into());
            adapter.set_hint(hint.into());
            adapter.set_problem("".into());
            adapter.set_text("".into());
            adapter.set_open(true);
        }
    }

    fn submitted(&self, text: &str) {
        let checked = match self.asked.borrow().as_ref() {
            Some((choose, _)) => typed_paths(text, choose),
            None => return,
        };
        match checked {
            Ok(paths) => self.finish(paths),
            Err(problem) => {
                if let Some(window) = self.window.upgrade() {
                    window.global::<PathPromptAdapter>().set_problem(problem.into());
                }
            }
        }
    }

    fn finish(&self, paths: Vec<PathBuf>) {
        let asked = self.asked.borrow_mut().take();
        if let Some(window) = self.window.upgrade() {
            window.global::<PathPromptAdapter>().set_open(false);
        }
        if let Some((_, chosen)) = asked {
            chosen(paths);
        }
    }
}
