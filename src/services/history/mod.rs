//! Undo and redo of the library's edits (ratings, statuses, deletes) and of the generation
//! panel's references: what an edit is, how it is named, and the order rules of replaying
//! them ([`History`]). The window carries edits out through a [`Replayer`].

mod edits;
mod saving;
mod stack;
mod timeline;

pub use edits::{CullEdit, Edit, KeywordEdit, ReferenceEdit};
pub use stack::{MAX_EDITS, UndoStack};
pub use timeline::{Direction, Done, History, Outcome, Replayer};
