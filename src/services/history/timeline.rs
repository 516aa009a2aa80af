//! The window's undo history: edits are recorded as the user makes them; undo and redo
//! replay them one at a time, in order. Edits are carried out off the UI thread, so an undo
//! asked for while a delete or another undo is still under way waits for it. The history is
//! bounded ([`super::MAX_EDITS`]) and says what was undone or redone.

use super::Edit;
use super::stack::UndoStack;
use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::{Rc, Weak};

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

/// Carries edits out for the history (the window's grid and reference tray).
pub trait Replayer {
    /// Undoes or redoes `edit` (never a group: the history takes groups apart); `done` hears
    /// how it went, now or later.
    fn replay(&self, edit: Edit, direction: Direction, done: Done);
    /// Tells the user what happened ("Undone: rating 3 stars on 2 images.").
    fn tell(&self, text: String);
}

pub struct History {
    stack: RefCell<UndoStack<Edit>>,
    /// Edits under way: a delete being carried out, or an undo or redo.
    in_flight: Cell<usize>,
    /// Undo and redo presses waiting for the edits under way.
    waiting: RefCell<VecDeque<Direction>>,
    replayer: Box<dyn Replayer>,
    /// Edits recorded while one command runs ([`History::as_one`]).
    grouping: RefCell<Option<Vec<Edit>>>,
    me: Weak<History>,
}

impl History {
    pub fn new(replayer: Box<dyn Replayer>) -> Rc<Self> {
        Rc::new_cyclic(|me| History {
            stack: RefCell::new(UndoStack::default()),
            in_flight: Cell::new(0),
            waiting: RefCell::new(VecDeque::new()),
            replayer,
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
            self.replayer.tell(match direction {
                Direction::Undo => crate::i18n::tr("Nothing to undo."),
                Direction::Redo => crate::i18n::tr("Nothing to redo."),
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
            edit => self.replayer.replay(edit, direction, done),
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
            Direction::Undo => crate::i18n::fill(&crate::i18n::tr("Undone: {}."), &[what]),
            Direction::Redo => crate::i18n::fill(&crate::i18n::tr("Redone: {}."), &[what]),
        };
        self.replayer.tell(match outcome.problem {
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generation::ReferenceSource;
    use crate::services::history::ReferenceEdit;

    /// Replays by hand: each replay waits in `pending` until the test finishes it, as an
    /// edit carried out off the UI thread would.
    #[derive(Default)]
    struct Recorder {
        replayed: RefCell<Vec<(String, Direction)>>,
        pending: RefCell<VecDeque<(Edit, Done)>>,
        told: RefCell<Vec<String>>,
    }

    struct Shared(Rc<Recorder>);

    impl Replayer for Shared {
        fn replay(&self, edit: Edit, direction: Direction, done: Done) {
            self.0.replayed.borrow_mut().push((edit.describe(), direction));
            self.0.pending.borrow_mut().push_back((edit, done));
        }
        fn tell(&self, text: String) {
            self.0.told.borrow_mut().push(text);
        }
    }

    impl Recorder {
        fn finish_next(&self, problem: Option<&str>) {
            let (edit, done) = self.pending.borrow_mut().pop_front().expect("a replay under way");
            done(Outcome {
                edit: Some(edit),
                problem: problem.map(str::to_owned),
            });
        }
    }

    fn references(n: usize) -> Edit {
        let source = |i: usize| ReferenceSource::File(std::path::PathBuf::from(format!("/refs/{i}.png")));
        Edit::References(ReferenceEdit {
            before: (0..n).map(source).collect(),
            after: (0..=n).map(source).collect(),
        })
    }

    #[test]
    fn an_undo_asked_for_during_another_waits_and_runs_in_order() {
        let recorder = Rc::new(Recorder::default());
        let history = History::new(Box::new(Shared(recorder.clone())));
        history.record(references(1));
        history.record(references(2));
        history.undo();
        history.undo();
        // The second undo waits for the first one to be carried out.
        assert_eq!(recorder.replayed.borrow().len(), 1);
        assert!(!history.is_idle());
        recorder.finish_next(None);
        assert_eq!(recorder.replayed.borrow().len(), 2);
        recorder.finish_next(Some("One file could not be restored."));
        assert!(history.is_idle());
        assert_eq!(
            *recorder.told.borrow(),
            vec![
                "Undone: the change to the references.".to_owned(),
                "Undone: the change to the references. One file could not be restored.".to_owned(),
            ]
        );
        history.undo();
        assert_eq!(recorder.told.borrow().last().unwrap(), "Nothing to undo.");
        // Both undone edits can be redone, oldest undo last.
        history.redo();
        recorder.finish_next(None);
        assert_eq!(
            recorder.told.borrow().last().unwrap(),
            "Redone: the change to the references."
        );
    }

    #[test]
    fn one_command_is_one_edit_undone_newest_first() {
        let recorder = Rc::new(Recorder::default());
        let history = History::new(Box::new(Shared(recorder.clone())));
        history.as_one(|| {
            history.record(references(1));
            history.record(references(5));
        });
        history.undo();
        recorder.finish_next(None);
        recorder.finish_next(None);
        let replayed = recorder.replayed.borrow().clone();
        assert_eq!(replayed.len(), 2);
        assert!(replayed.iter().all(|(_, d)| *d == Direction::Undo));
        assert_eq!(
            recorder.told.borrow().last().unwrap(),
            "Undone: the change to the references and the change to the references."
        );
        // A delete under way holds undo back until it is recorded.
        history.begin();
        history.undo();
        assert_eq!(recorder.replayed.borrow().len(), 2);
        history.end(Some(references(3)));
        assert_eq!(
            recorder.replayed.borrow().len(),
            3,
            "the waiting undo ran after the delete"
        );
    }
}
