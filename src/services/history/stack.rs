//! The two stacks behind undo and redo, bounded so a long session cannot grow without end.

use std::collections::VecDeque;

/// Edits kept for undo; the oldest is forgotten first. A delete of a whole view is one edit,
/// so this is plenty for a culling session while keeping memory small.
pub const MAX_EDITS: usize = 500;

/// Done edits (undo takes the newest) and undone ones (redo takes the newest). A new edit
/// forgets what was undone, as in every editor.
#[derive(Debug)]
pub struct UndoStack<E> {
    done: VecDeque<E>,
    undone: Vec<E>,
    limit: usize,
}

impl<E> Default for UndoStack<E> {
    fn default() -> Self {
        Self::with_limit(MAX_EDITS)
    }
}

impl<E> UndoStack<E> {
    pub fn with_limit(limit: usize) -> Self {
        Self {
            done: VecDeque::new(),
            undone: Vec::new(),
            limit: limit.max(1),
        }
    }

    /// A new edit by the user.
    pub fn record(&mut self, edit: E) {
        self.undone.clear();
        self.push_done(edit);
    }

    /// The edit to undo next.
    pub fn take_undo(&mut self) -> Option<E> {
        self.done.pop_back()
    }

    /// The edit to redo next.
    pub fn take_redo(&mut self) -> Option<E> {
        self.undone.pop()
    }

    /// `edit` was undone: redo can bring it back.
    pub fn undone(&mut self, edit: E) {
        self.undone.push(edit);
    }

    /// `edit` was redone: undo can take it back again (what is left to redo stays).
    pub fn redone(&mut self, edit: E) {
        self.push_done(edit);
    }

    #[cfg(test)]
    fn can_redo(&self) -> bool {
        !self.undone.is_empty()
    }

    fn push_done(&mut self, edit: E) {
        if self.done.len() == self.limit {
            self.done.pop_front();
        }
        self.done.push_back(edit);
    }
}

#[cfg(test)]
mod tests {
    use super::UndoStack;

    #[test]
    fn undo_and_redo_walk_back_and_forth() {
        let mut stack = UndoStack::default();
        stack.record(1);
        stack.record(2);
        let two = stack.take_undo().unwrap();
        assert_eq!(two, 2);
        stack.undone(two);
        assert_eq!(stack.take_redo(), Some(2));
        stack.redone(2);
        assert_eq!(stack.take_undo(), Some(2));
        assert_eq!(stack.take_undo(), Some(1));
        assert_eq!(stack.take_undo(), None);
    }

    #[test]
    fn a_new_edit_forgets_what_was_undone() {
        let mut stack = UndoStack::default();
        stack.record(1);
        let one = stack.take_undo().unwrap();
        stack.undone(one);
        assert!(stack.can_redo());
        stack.record(2);
        assert!(!stack.can_redo());
    }

    #[test]
    fn the_oldest_edit_is_forgotten_at_the_limit() {
        let mut stack = UndoStack::with_limit(3);
        for n in 1..=5 {
            stack.record(n);
        }
        let mut left = Vec::new();
        while let Some(n) = stack.take_undo() {
            left.push(n);
        }
        assert_eq!(left, vec![5, 4, 3]);
    }
}
