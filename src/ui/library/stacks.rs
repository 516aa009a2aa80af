//! Stacks in the grid: the images of one submit carry a badge with their count; a stack can
//! be collapsed into its first image and expanded again in place (the badge, S, the
//! thumbnail menu). Culling keys on a collapsed stack act on the image it shows.

use super::LibraryController;
use crate::services::model::{MediaId, StackInfo};

impl LibraryController {
    /// Reads the stacks of `ids` (a page that arrived) and redraws those in one.
    pub(super) fn load_stacks(&self, ids: Vec<MediaId>) {
        if ids.is_empty() {
            return;
        }
        self.run_query(self.catalog.stacks_of(ids.clone()), move |this, found| {
            let Ok(found) = found else { return };
            let mut known = this.stacks.borrow_mut();
            for id in &ids {
                known.remove(id);
            }
            let changed: Vec<MediaId> = found.iter().map(|(id, _)| id.clone()).collect();
            known.extend(found);
            drop(known);
            for id in changed {
                this.model.refresh_item(&id);
            }
        });
    }

    /// The stack of the item, if it is in one of more than one image.
    pub(super) fn stack_of(&self, id: &MediaId) -> Option<StackInfo> {
        self.stacks.borrow().get(id).cloned()
    }

    /// S, the badge or the menu: collapses the current item's stack into its first image,
    /// or expands it again.
    pub fn toggle_stack_at(&self, index: usize) {
        let Some(id) = self.id_at(index) else { return };
        let Some(info) = self.stack_of(&id) else {
            self.show_notice(crate::i18n::tr("This image is not part of a batch."));
            return;
        };
        self.set_stack_collapsed(id, info, None);
    }

    /// Whether `id` is the face of a collapsed stack.
    pub fn in_collapsed_stack(&self, id: &MediaId) -> bool {
        self.stack_of(id).is_some_and(|s| s.collapsed)
    }

    /// Expands the stack `id` is the collapsed face of, then runs `then` (the loupe walks
    /// inside a stack it opens on).
    pub fn expand_stack_of(&self, id: &MediaId, then: impl FnOnce(&Self) + 'static) {
        match self.stack_of(id) {
            Some(info) if info.collapsed => self.set_stack_collapsed(id.clone(), info, Some(Box::new(then))),
            _ => then(self),
        }
    }

    /// Collapses every batch of the library into one cell, or expands them all.
    pub fn set_all_stacks_collapsed(&self, collapsed: bool) {
        self.run_query(
            self.catalog.set_all_stacks_collapsed(collapsed),
            move |this, done| match done {
                Ok(_) => {
                    for info in this.stacks.borrow_mut().values_mut() {
                        info.collapsed = collapsed;
                    }
                    this.refresh();
                }
                Err(error) => this.show_notice(crate::i18n::fill(
                    &crate::i18n::tr("The stacks could not be changed: {}"),
                    &[&error.to_string()],
                )),
            },
        );
    }

    #[allow(clippy::type_complexity)]
    fn set_stack_collapsed(&self, id: MediaId, info: StackInfo, then: Option<Box<dyn FnOnce(&Self)>>) {
        let collapse = !info.collapsed;
        self.run_query(
            self.catalog.set_stack_collapsed(info.stack_id.clone(), collapse),
            move |this, first| {
                let first = match first {
                    Ok(first) => first,
                    Err(error) => {
                        this.show_notice(crate::i18n::fill(
                            &crate::i18n::tr("The stack could not be changed: {}"),
                            &[&error.to_string()],
                        ));
                        return;
                    }
                };
                for known in this.stacks.borrow_mut().values_mut() {
                    if known.stack_id == info.stack_id {
                        known.collapsed = collapse;
                    }
                }
                this.refresh();
                // Collapsed, the stack is its first image; expanded, the image stays current.
                let show = if collapse { first.unwrap_or(id) } else { id };
                this.go_to_then(show, false, move |this| {
                    if let Some(then) = then {
                        then(this);
                    }
                });
            },
        );
    }
}
