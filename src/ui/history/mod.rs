//! Undo and redo (Ctrl+Z, Ctrl+Shift+Z or Ctrl+Y) of ratings, statuses, deletes and
//! reference edits, in the grid and the loupe alike. The history lives as long as the window
//! and is bounded ([`stack::MAX_EDITS`]); a toast says what was undone or redone.
//!
//! Edits are carried out off the UI thread, so one runs at a time: an undo asked for while a
//! delete or another undo is still under way waits for it, and takes effect in order.

mod stack;

use stack::UndoStack;

use super::LibraryController;
use super::reference_tray::ReferenceTray;
use crate::db::media_history::CullState;
use crate::db::types::{CullStatus, MediaId, Rating};
use crate::generation::ReferenceSource;
use crate::library::untrash::DeletedItem;
pub use crate::services::culling::CullChange;
use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::{Rc, Weak};
use std::sync::{Arc, Mutex};

/// Something the user did that undo can take back.
#[derive(Debug, Clone)]
pub enum Edit {
    /// A rating or status given to some items.
    Cull(CullEdit),
    /// Items moved to the trash, with what is needed to put them back.
    Delete(Vec<DeletedItem>),
    /// The generation panel's references changed.
    References(ReferenceEdit),
    /// Edits made by one command ("keep this, reject the others"), undone as one.
    Group(Vec<Edit>),
}

/// A culling key applied to `ids`.
#[derive(Debug, Clone)]
pub struct CullEdit {
    pub ids: Vec<MediaId>,
    pub change: CullChange,
    /// The items' state before the change. Filled on the database thread by the job that
    /// saves the change, which runs before any later job (the undo's): so it is always there
    /// when the undo reads it.
    pub before: Arc<Mutex<Vec<CullState>>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferenceEdit {
    pub before: Vec<ReferenceSource>,
    pub after: Vec<ReferenceSource>,
}

impl Edit {
    /// What the toast names: "rating 3 stars on 2 images".
    pub fn describe(&self) -> String {
        match self {
            Edit::Cull(edit) => {
                let on = images(edit.ids.len());
                match edit.change {
                    CullChange::Rating(r) if r == Rating::UNRATED => format!("clearing the rating of {on}"),
                    CullChange::Rating(r) if r.stars() == 1 => format!("rating 1 star on {on}"),
                    CullChange::Rating(r) => format!("rating {} stars on {on}", r.stars()),
                    CullChange::Status(Some(CullStatus::Selected)) => format!("picking {on}"),
                    CullChange::Status(Some(CullStatus::Rejected)) => format!("rejecting {on}"),
                    CullChange::Status(None) => format!("clearing the status of {on}"),
                }
            }
            Edit::Delete(items) => format!("moving {} to the trash", images(items.len())),
            Edit::References(_) => "the change to the references".to_owned(),
            Edit::Group(edits) => edits.iter().map(Edit::describe).collect::<Vec<_>>().join(" and "),
        }
    }
}

fn images(n: usize) -> String {
    match n {
        1 => "1 image".to_owned(),
        n => format!("{} images", crate::format::grouped(n as i64)),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Undo,
    Redo,
}

/// How an undo or redo went: the edit as it now stands (for the other stack; `None` when
/// nothing of it is left to redo or undo), and a problem to tell the user, if any.
pub struct Outcome {
    pub edit: Option<Edit>,
    pub problem: Option<String>,
}

/// Called once an undo or redo has been carried out.
pub type Done = Box<dyn FnOnce(Outcome)>;

/// The window's history: the grid and the references record into it; Ctrl+Z and Ctrl+Shift+Z
/// (or Ctrl+Y) replay it.
pub fn connect(
    window: &super::AppWindow,
    library: &Rc<LibraryController>,
    references: &Rc<ReferenceTray>,
) -> Rc<History> {
    use slint::ComponentHandle;
    let history = History::new(library, references);
    library.set_history(&history);
    references.set_history(&history);
    let adapter = window.global::<super::LibraryAdapter>();
    let h = Rc::downgrade(&history);
    adapter.on_undo_requested(move || {
        if let Some(history) = h.upgrade() {
            history.undo();
        }
    });
    let h = Rc::downgrade(&history);
    adapter.on_redo_requested(move || {
        if let Some(history) = h.upgrade() {
            history.redo();
        }
    });
    history
}

pub struct History {
    stack: RefCell<UndoStack<Edit>>,
    /// Edits under way: a delete being carried out, or an undo or redo.
    in_flight: Cell<usize>,
    /// Undo and redo presses waiting for the edits under way.
    waiting: RefCell<VecDeque<Direction>>,
    library: Weak<LibraryController>,
    references: Weak<ReferenceTray>,
    /// Edits recorded while one command runs ([`History::as_one`]).
    grouping: RefCell<Option<Vec<Edit>>>,
    me: Weak<History>,
}

impl History {
    pub fn new(library: &Rc<LibraryController>, references: &Rc<ReferenceTray>) -> Rc<Self> {
        Rc::new_cyclic(|me| History {
            stack: RefCell::new(UndoStack::default()),
            in_flight: Cell::new(0),
            waiting: RefCell::new(VecDeque::new()),
            library: Rc::downgrade(library),
            references: Rc::downgrade(references),
            grouping: RefCell::new(None),
            me: me.clone(),
        })
    }

    /// An edit the user made, already carried out.
    pub fn record(&self, edit: Edit) {
        if let Some(group) = self.grouping.borrow_mut().as_mut() {
            group.push(edit);
            return;
        }
        self.stack.borrow_mut().record(edit);
    }

    /// Runs `command`; the edits it records are undone and redone as one.
    pub fn as_one(&self, command: impl FnOnce()) {
        *self.grouping.borrow_mut() = Some(Vec::new());
        command();
        let mut edits = self.grouping.borrow_mut().take().unwrap_or_default();
        match edits.len() {
            0 => {}
            1 => self.record(edits.remove(0)),
            _ => self.record(Edit::Group(edits)),
        }
    }

    /// An edit is being carried out; undo waits for [`Self::end`].
    pub fn begin(&self) {
        self.in_flight.set(self.in_flight.get() + 1);
    }

    /// The edit begun last is done (`None`: nothing came of it).
    pub fn end(&self, edit: Option<Edit>) {
        if let Some(edit) = edit {
            self.record(edit);
        }
        self.finish_one();
    }

    pub fn undo(&self) {
        self.run(Direction::Undo);
    }

    pub fn redo(&self) {
        self.run(Direction::Redo);
    }

    /// Nothing under way and nothing waiting (tests wait for this).
    pub fn is_idle(&self) -> bool {
        self.in_flight.get() == 0 && self.waiting.borrow().is_empty()
    }

    fn run(&self, direction: Direction) {
        if self.in_flight.get() > 0 {
            self.waiting.borrow_mut().push_back(direction);
            return;
        }
        let edit = match direction {
            Direction::Undo => self.stack.borrow_mut().take_undo(),
            Direction::Redo => self.stack.borrow_mut().take_redo(),
        };
        let Some(edit) = edit else {
            self.tell(match direction {
                Direction::Undo => "Nothing to undo.".to_owned(),
                Direction::Redo => "Nothing to redo.".to_owned(),
            });
            return;
        };
        let what = edit.describe();
        self.begin();
        let me = self.me.clone();
        let done: Done = Box::new(move |outcome| {
            if let Some(history) = me.upgrade() {
                history.carried_out(direction, &what, outcome);
            }
        });
        self.perform(edit, direction, done);
    }

    /// Undoes or redoes one edit; `done` hears how it went.
    fn perform(&self, edit: Edit, direction: Direction, done: Done) {
        match edit {
            Edit::Group(edits) => {
                let order: VecDeque<Edit> = match direction {
                    Direction::Undo => edits.into_iter().rev().collect(),
                    Direction::Redo => edits.into_iter().collect(),
                };
                self.perform_in_turn(order, Vec::new(), Vec::new(), direction, done);
            }
            Edit::Cull(edit) => match self.library.upgrade() {
                Some(library) => library.replay_cull(edit, direction, done),
                None => done(Outcome {
                    edit: None,
                    problem: None,
                }),
            },
            Edit::Delete(items) => match self.library.upgrade() {
                Some(library) => library.replay_delete(items, direction, done),
                None => done(Outcome {
                    edit: None,
                    problem: None,
                }),
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
        }
    }

    /// A group's edits one after the other (each may finish off the UI thread), newest
    /// first when undoing; then `done` with what is left of the group.
    fn perform_in_turn(
        &self,
        mut rest: VecDeque<Edit>,
        mut kept: Vec<Edit>,
        mut problems: Vec<String>,
        direction: Direction,
        done: Done,
    ) {
        let Some(edit) = rest.pop_front() else {
            if direction == Direction::Undo {
                kept.reverse();
            }
            let edit = match kept.len() {
                0 => None,
                1 => kept.pop(),
                _ => Some(Edit::Group(kept)),
            };
            let problem = (!problems.is_empty()).then(|| problems.join(" "));
            done(Outcome { edit, problem });
            return;
        };
        let me = self.me.clone();
        self.perform(
            edit,
            direction,
            Box::new(move |outcome| {
                kept.extend(outcome.edit);
                problems.extend(outcome.problem);
                if let Some(history) = me.upgrade() {
                    history.perform_in_turn(rest, kept, problems, direction, done);
                }
            }),
        );
    }

    fn carried_out(&self, direction: Direction, what: &str, outcome: Outcome) {
        if let Some(edit) = outcome.edit {
            let mut stack = self.stack.borrow_mut();
            match direction {
                Direction::Undo => stack.undone(edit),
                Direction::Redo => stack.redone(edit),
            }
        }
        let said = match direction {
            Direction::Undo => format!("Undone: {what}."),
            Direction::Redo => format!("Redone: {what}."),
        };
        self.tell(match outcome.problem {
            Some(problem) => format!("{said} {problem}"),
            None => said,
        });
        self.finish_one();
    }

    fn finish_one(&self) {
        self.in_flight.set(self.in_flight.get().saturating_sub(1));
        if self.in_flight.get() == 0 {
            let next = self.waiting.borrow_mut().pop_front();
            if let Some(direction) = next {
                self.run(direction);
            }
        }
    }

    fn tell(&self, text: String) {
        if let Some(library) = self.library.upgrade() {
            library.show_notice(text);
        }
    }
}
