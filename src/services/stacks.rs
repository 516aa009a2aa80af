//! Stacks: the images of one submit, which the grid can collapse into their first image.

use super::catalog::{Call, Catalog};
use crate::db::stacks::{self, StackInfo};
use crate::db::types::MediaId;

impl Catalog {
    /// The stacks (of more than one image) the items `ids` are in.
    pub fn stacks_of(&self, ids: Vec<MediaId>) -> Call<Vec<(MediaId, StackInfo)>> {
        self.call(move |c| stacks::of_items(c, &ids))
    }

    /// Collapses or expands one stack; answers with the stack's first image (what a
    /// collapsed stack shows).
    pub fn set_stack_collapsed(&self, stack_id: String, collapsed: bool) -> Call<Option<MediaId>> {
        self.call(move |c| {
            crate::db::transaction::write(c, |c| {
                stacks::set_collapsed(c, &stack_id, collapsed)?;
                stacks::first_of(c, &stack_id)
            })
        })
    }

    /// Collapses every stack of the library, or expands them all.
    pub fn set_all_stacks_collapsed(&self, collapsed: bool) -> Call<usize> {
        self.call(move |c| stacks::set_all_collapsed(c, collapsed))
    }
}
