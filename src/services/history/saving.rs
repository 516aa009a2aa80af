//! Saving a culling edit so it can be undone, and undoing it: the change written with the
//! states it replaced noted in the edit, then those states put back.

use super::CullEdit;
use crate::db::media_history::{CullField, CullState};
use crate::services::catalog::{Call, Catalog};
use crate::services::culling::{cull, restore};

impl Catalog {
    /// Saves `edit`'s change to the items that still exist, noting in the edit what it
    /// replaced (for its undo), in one write transaction.
    pub fn apply_cull(&self, edit: &CullEdit) -> Call<()> {
        let (ids, change, before) = (edit.ids.clone(), edit.change, edit.before.clone());
        self.call(move |conn| {
            let culled = cull(conn, &ids, change)?;
            *before.lock().unwrap_or_else(|poisoned| poisoned.into_inner()) = culled.before;
            Ok(())
        })
    }

    /// Puts `field` back as `states` say (an undo); answers with the states, to show them.
    pub fn restore_culls(&self, states: Vec<CullState>, field: CullField) -> Call<Vec<CullState>> {
        self.call(move |conn| {
            restore(conn, &states, field)?;
            Ok(states)
        })
    }
}
