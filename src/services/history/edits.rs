//! The edits undo can take back, and the words the toast uses for them.

use crate::db::media_history::CullState;
use crate::db::types::{CullStatus, MediaId, Rating};
use crate::format::images_translated as images;
use crate::generation::ReferenceSource;
use crate::i18n::{fill, tr, tr_n};
use crate::library::untrash::DeletedItem;
use crate::services::culling::CullChange;
pub use crate::services::keywords::KeywordEdit;
use std::sync::{Arc, Mutex};

/// Something the user did that undo can take back.
#[derive(Debug, Clone)]
pub enum Edit {
    /// A rating or status given to some items.
    Cull(CullEdit),
    /// Items moved to the trash, with what is needed to put them back.
    Delete(Vec<DeletedItem>),
    /// Keywords added to or removed from some items.
    Keywords(KeywordEdit),
    /// The generation panel's references changed.
    References(ReferenceEdit),
    /// Images put into or taken out of a manual collection.
    Membership(crate::services::collections::CollectionEdit),
    /// A colour label given to (or taken from) some items.
    Label(crate::services::labels::LabelEdit),
    /// Edits made by one command ("keep this, reject the others"), undone as one.
    Group(Vec<Edit>),
}

/// A culling key applied to `ids`.
#[derive(Debug, Clone)]
pub struct CullEdit {
    pub ids: Vec<MediaId>,
    pub change: CullChange,
    /// The items' state before the change. Filled on the database thread by the call that
    /// saves the change ([`crate::services::Catalog::apply_cull`]), which runs before any
    /// later call (the undo's): so it is always there when the undo reads it.
    pub before: Arc<Mutex<Vec<CullState>>>,
}

impl CullEdit {
    pub fn new(ids: Vec<MediaId>, change: CullChange) -> Self {
        Self {
            ids,
            change,
            before: Arc::new(Mutex::new(Vec::new())),
        }
    }

    /// The states the change replaced (empty until it was saved).
    pub fn states_before(&self) -> Vec<CullState> {
        self.before.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }
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
                let said = |template| fill(&tr(template), &[&on]);
                match edit.change {
                    CullChange::Rating(r) if r == Rating::UNRATED => said("clearing the rating of {}"),
                    CullChange::Rating(r) => fill(
                        &tr_n(
                            "rating {n} star on {}",
                            "rating {n} stars on {}",
                            r.stars().into(),
                            &r.stars().to_string(),
                        ),
                        &[&on],
                    ),
                    CullChange::Status(Some(CullStatus::Selected)) => said("picking {}"),
                    CullChange::Status(Some(CullStatus::Rejected)) => said("rejecting {}"),
                    CullChange::Status(None) => said("clearing the status of {}"),
                }
            }
            Edit::Delete(items) => fill(&tr("moving {} to the trash"), &[&images(items.len())]),
            Edit::Keywords(edit) => edit.describe(&images(edit.ids.len())),
            Edit::References(_) => tr("the change to the references"),
            Edit::Membership(edit) => edit.describe(&images(edit.ids.len())),
            Edit::Label(edit) => edit.describe(&images(edit.ids.len())),
            Edit::Group(edits) => edits.iter().map(Edit::describe).collect::<Vec<_>>().join(&tr(" and ")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_are_named_as_the_toast_says_them() {
        let two = vec![MediaId::new(), MediaId::new()];
        let rate = Edit::Cull(CullEdit::new(two.clone(), CullChange::Rating(Rating::new(3).unwrap())));
        assert_eq!(rate.describe(), "rating 3 stars on 2 images");
        let one = Edit::Cull(CullEdit::new(
            vec![two[0].clone()],
            CullChange::Rating(Rating::new(1).unwrap()),
        ));
        assert_eq!(one.describe(), "rating 1 star on 1 image");
        let pick = Edit::Cull(CullEdit::new(
            two.clone(),
            CullChange::Status(Some(CullStatus::Selected)),
        ));
        let reject = Edit::Cull(CullEdit::new(
            vec![two[1].clone()],
            CullChange::Status(Some(CullStatus::Rejected)),
        ));
        assert_eq!(
            Edit::Group(vec![reject, pick]).describe(),
            "rejecting 1 image and picking 2 images"
        );
        let clear = Edit::Cull(CullEdit::new(two, CullChange::Rating(Rating::UNRATED)));
        assert_eq!(clear.describe(), "clearing the rating of 2 images");
    }
}
