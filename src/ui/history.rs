//! Undo and redo in the window (Ctrl+Z, Ctrl+Shift+Z or Ctrl+Y, in the grid and the loupe
//! alike): the keys drive the window's [`History`], whose edits the grid and the reference
//! tray carry out, and the collections panel its membership changes. The rules of the history are in [`crate::services::history`].

use super::LibraryController;
use super::organise::Organise;
use super::reference_tray::ReferenceTray;
use crate::services::history::{Direction, Done, Edit, History, Outcome, Replayer};
use std::rc::{Rc, Weak};

/// The window's history: the grid and the references record into it; the keys replay it.
pub fn connect(
    window: &super::AppWindow,
    library: &Rc<LibraryController>,
    references: &Rc<ReferenceTray>,
    organise: &Rc<Organise>,
) -> Rc<History> {
    use slint::ComponentHandle;
    let history = History::new(Box::new(WindowReplayer {
        library: Rc::downgrade(library),
        references: Rc::downgrade(references),
        organise: Rc::downgrade(organise),
    }));
    library.set_history(&history);
    references.set_history(&history);
    organise.set_history(&history);
    let adapter = window.global::<super::LibraryAdapter>();
    adapter.on_undo_requested(super::weakly(&history, History::undo));
    adapter.on_redo_requested(super::weakly(&history, History::redo));
    history
}

/// Carries the history's edits out in the window: culls and deletes in the grid, reference
/// changes in the tray; a toast in the grid says how it went.
struct WindowReplayer {
    library: Weak<LibraryController>,
    references: Weak<ReferenceTray>,
    organise: Weak<Organise>,
}

impl Replayer for WindowReplayer {
    fn replay(&self, edit: Edit, direction: Direction, done: Done) {
        let nothing = |done: Done| {
            done(Outcome {
                edit: None,
                problem: None,
            })
        };
        match edit {
            Edit::Cull(edit) => match self.library.upgrade() {
                Some(library) => library.replay_cull(edit, direction, done),
                None => nothing(done),
            },
            Edit::Delete(items) => match self.library.upgrade() {
                Some(library) => library.replay_delete(items, direction, done),
                None => nothing(done),
            },
            Edit::Keywords(edit) => match self.library.upgrade() {
                Some(library) => library.replay_keywords(edit, direction, done),
                None => nothing(done),
            },
            Edit::References(edit) => {
                if let Some(tray) = self.references.upgrade() {
                    tray.restore(match direction {
                        Direction::Undo => edit.before.clone(),
                        Direction::Redo => edit.after.clone(),
                    });
                }
                done(Outcome {
                    edit: Some(Edit::References(edit)),
                    problem: None,
                });
            }
            Edit::Label(edit) => match self.library.upgrade() {
                Some(library) => library.replay_label(edit, direction, done),
                None => nothing(done),
            },
            Edit::Membership(edit) => match self.organise.upgrade() {
                Some(organise) => organise.replay_membership(edit, direction, done),
                None => nothing(done),
            },
            // Never asked: the history takes groups apart and replays their edits in turn.
            Edit::Group(_) => nothing(done),
        }
    }

    fn tell(&self, text: String) {
        if let Some(library) = self.library.upgrade() {
            library.show_notice(text);
        }
    }
}
