//! Images into and out of manual collections: by the collection's menu, by B (the target
//! collection) and by dragging thumbnails onto a collection. Each change is recorded for
//! undo and said in a toast ("Added 3 images to “Client picks”.").

use super::{Organise, OrganiseAdapter};
use crate::format::{images_translated as images, sentence};
use crate::services::collections::{CollectionEdit, CollectionProblem, CollectionSummary, MembershipChange, Moved};
use crate::services::history::{Direction, Done, Edit, Outcome};
use crate::services::model::{DbError, MediaId};
use crate::ui::reference_tray::DragOrigin;

pub(super) fn connect(adapter: &OrganiseAdapter, with: impl Fn(&dyn Fn(&Organise)) + Clone + 'static) {
    let w = with.clone();
    adapter.on_add_selection_requested(move |index| w(&|o| o.change_selection(index, MembershipChange::Add)));
    let w = with.clone();
    adapter.on_remove_selection_requested(move |index| w(&|o| o.change_selection(index, MembershipChange::Remove)));
    let w = with.clone();
    adapter.on_target_chosen(move |index| w(&|o| o.choose_target(index)));
    let w = with.clone();
    adapter.on_add_to_target_requested(move || w(&|o| o.add_to_target()));
    adapter.on_can_drop(|data| data.user_data().is_some_and(|d| d.downcast::<DragOrigin>().is_ok()));
    adapter.on_dropped(move |index, data| {
        let Some(origin) = data.user_data().and_then(|d| d.downcast::<DragOrigin>().ok()) else {
            return;
        };
        let origin = *origin;
        with(&|o| o.drop_onto(index, origin));
    });
}

impl Organise {
    /// The grid's selection, in the order the grid shows it.
    fn selection(&self) -> Vec<MediaId> {
        self.grid
            .upgrade()
            .map(|g| g.selection_in_view_order())
            .unwrap_or_default()
    }

    fn change_selection(&self, index: i32, change: MembershipChange) {
        let Some(collection) = self.collection_at(index) else {
            return;
        };
        let ids = self.selection();
        self.change(collection, ids, change);
    }

    fn choose_target(&self, index: i32) {
        if let Some(collection) = self.collection_at(index).filter(|c| !c.smart) {
            self.target.set(Some(collection.id));
            self.tell(format!("B now puts the selection in “{}”.", collection.name));
            self.show();
        }
    }

    fn add_to_target(&self) {
        let target = self.target.get();
        let Some(collection) = self.collections.borrow().iter().find(|c| Some(c.id) == target).cloned() else {
            self.tell(crate::i18n::tr(
                "No target collection yet: make a collection, or right-click one and choose Make Target.",
            ));
            return;
        };
        let ids = self.selection();
        self.change(collection, ids, MembershipChange::Add);
    }

    fn drop_onto(&self, index: i32, origin: DragOrigin) {
        let Some(collection) = self.collection_at(index) else {
            return;
        };
        let Some(grid) = self.grid.upgrade() else { return };
        let ids = match origin {
            DragOrigin::GridCell(cell) => grid.drag_ids(cell),
            DragOrigin::Loupe => grid.current_id().into_iter().collect(),
        };
        self.change(collection, ids, MembershipChange::Add);
    }

    /// Saves the change, records it for undo and says what it did.
    fn change(&self, collection: CollectionSummary, ids: Vec<MediaId>, change: MembershipChange) {
        if ids.is_empty() {
            self.tell(crate::i18n::tr("Select some images first."));
            return;
        }
        if self.catalog.is_read_only() {
            self.tell(crate::i18n::tr(
                "This library is read-only: collections cannot be changed.",
            ));
            return;
        }
        if collection.smart {
            self.tell(sentence(&CollectionProblem::Smart(collection.name).to_string()));
            return;
        }
        if change == MembershipChange::Add {
            self.target.set(Some(collection.id));
        }
        let edit = CollectionEdit::new(collection.id, collection.name.clone(), ids, change);
        let recorded = edit.clone();
        let me = self.me.clone();
        self.mode.answer(self.catalog.apply_membership(&edit), move |moved| {
            let Some(this) = me.upgrade() else { return };
            match moved {
                Ok(Ok(moved)) => {
                    this.tell(moved_words(&moved, &recorded));
                    if !moved.changed.is_empty()
                        && let Some(history) = this.history.borrow().upgrade()
                    {
                        history.record(Edit::Membership(recorded));
                    }
                    this.changed();
                }
                Ok(Err(problem)) => this.tell(sentence(&problem.to_string())),
                Err(error) => this.tell(crate::i18n::fill(
                    &crate::i18n::tr("The collection could not be changed: {}"),
                    &[&error.to_string()],
                )),
            }
        });
    }

    /// Undo: the images the change moved go back. Redo: the change again.
    pub fn replay_membership(&self, edit: CollectionEdit, direction: Direction, done: Done) {
        let call = match direction {
            Direction::Undo => self.catalog.undo_membership(&edit),
            Direction::Redo => self.catalog.apply_membership(&edit),
        };
        let me = self.me.clone();
        self.mode
            .answer(call, move |moved: Result<Result<Moved, CollectionProblem>, DbError>| {
                if let Some(this) = me.upgrade() {
                    this.changed();
                }
                let problem = match moved {
                    Ok(Ok(_)) => None,
                    Ok(Err(problem)) => Some(sentence(&problem.to_string())),
                    Err(error) => Some(crate::i18n::fill(
                        &crate::i18n::tr("Saving failed: {}"),
                        &[&error.to_string()],
                    )),
                };
                done(Outcome {
                    problem,
                    edit: Some(Edit::Membership(edit)),
                });
            });
    }

    /// Counts change, and the grid changes when it shows the collection.
    fn changed(&self) {
        self.reload();
        if let Some(grid) = self.grid.upgrade() {
            grid.refresh();
        }
    }
}

/// "Added 3 images to “Picks”." with those already there (or not there) said too.
fn moved_words(moved: &Moved, edit: &CollectionEdit) -> String {
    use crate::i18n::{fill, tr, tr_n};
    let were = |n: usize| tr_n("{n} was", "{n} were", n as u64, &crate::format::grouped(n as i64));
    let asked = edit.ids.len();
    let changed = moved.changed.len();
    let name = edit.collection_name.as_str();
    match edit.change {
        MembershipChange::Add if changed == asked => fill(&tr("Added {} to “{}”."), &[&images(changed), name]),
        MembershipChange::Add if changed == 0 => fill(&tr("Already in “{}”."), &[name]),
        MembershipChange::Add => fill(
            &tr("Added {} to “{}”; {} in it already."),
            &[&images(changed), name, &were(asked - changed)],
        ),
        MembershipChange::Remove if changed == asked => fill(&tr("Removed {} from “{}”."), &[&images(changed), name]),
        MembershipChange::Remove if changed == 0 => fill(&tr("None of them is in “{}”."), &[name]),
        MembershipChange::Remove => fill(
            &tr("Removed {} from “{}”; {} not in it."),
            &[&images(changed), name, &were(asked - changed)],
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::services::model::CollectionId;

    #[test]
    fn the_toast_says_what_moved() {
        let id = |n: u8| MediaId::from_string(format!("{n:026}"));
        let edit = |change| CollectionEdit::new(CollectionId(1), "Picks".into(), vec![id(1), id(2), id(3)], change);
        let moved = |n: u8| Moved {
            changed: (1..=n).map(id).collect(),
            missing: Vec::new(),
        };
        assert_eq!(
            moved_words(&moved(3), &edit(MembershipChange::Add)),
            "Added 3 images to “Picks”."
        );
        assert_eq!(
            moved_words(&moved(1), &edit(MembershipChange::Add)),
            "Added 1 image to “Picks”; 2 were in it already."
        );
        assert_eq!(
            moved_words(&moved(0), &edit(MembershipChange::Add)),
            "Already in “Picks”."
        );
        assert_eq!(
            moved_words(&moved(2), &edit(MembershipChange::Remove)),
            "Removed 2 images from “Picks”; 1 was not in it."
        );
    }
}
