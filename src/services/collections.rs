//! Collections: manual sets of images and smart collections (a saved filter, evaluated
//! whenever shown). Creating, renaming and deleting them (never their images), putting
//! images in and taking them out (undoable), the list with counts, and the filter a
//! collection's view starts from. The window and `distillery collection` share these.

use super::catalog::{Call, Catalog};
use super::keywords::existing_and_missing;
use super::saved_filter::{BadFilter, SavedFilter};
use crate::db::DbError;
use crate::db::collections::{self, CollectionId, CollectionName, CollectionRow, NameTaken};
use crate::db::media_query::{self, MediaFilter};
use crate::db::types::MediaId;
use crate::i18n::{fill, tr};
use diesel::SqliteConnection;
use std::collections::HashSet;
use std::sync::{Arc, Mutex};

/// A collection as the collections list shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CollectionSummary {
    pub id: CollectionId,
    pub name: String,
    pub smart: bool,
    /// Images in it now; for a smart collection, what its filter matches now.
    pub images: i64,
    /// Why a smart collection's filter cannot be applied (it then shows nothing).
    pub problem: Option<String>,
    /// A smart collection's filter as saved.
    pub saved: Option<SavedFilter>,
}

/// Why a collection could not be used as asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CollectionProblem {
    #[error("{}", crate::i18n::fill(&crate::i18n::tr("there is no collection called “{}”"), &[&.0.to_string()]))]
    NoSuchName(String),
    #[error("{}", crate::i18n::tr("that collection no longer exists"))]
    Gone,
    #[error(transparent)]
    Taken(#[from] NameTaken),
    #[error(
        "“{0}” is a smart collection: its images are whatever its filter matches, so none can be added or removed by hand"
    )]
    Smart(String),
    #[error("{}", crate::i18n::fill(&crate::i18n::tr("the smart collection “{}” cannot be shown: {}"), &[&.name.to_string(), &.problem.to_string()]))]
    BadSavedFilter { name: String, problem: BadFilter },
}

/// The collection called `name` (ignoring case).
pub fn find(
    conn: &mut SqliteConnection,
    name: &CollectionName,
) -> Result<Result<CollectionRow, CollectionProblem>, DbError> {
    Ok(collections::find(conn, name)?.ok_or_else(|| CollectionProblem::NoSuchName(name.name().to_owned())))
}

/// The filter a collection's view starts from: its images for a manual collection, its saved
/// filter for a smart one (refused when the manual collection it was saved within is gone).
pub fn scope_of(
    conn: &mut SqliteConnection,
    row: &CollectionRow,
) -> Result<Result<MediaFilter, CollectionProblem>, DbError> {
    let Some(json) = &row.smart_filter else {
        return Ok(Ok(MediaFilter {
            collection: Some(row.id),
            ..MediaFilter::default()
        }));
    };
    let bad = |problem| CollectionProblem::BadSavedFilter {
        name: row.name.clone(),
        problem,
    };
    let filter = match SavedFilter::from_json(json).and_then(|saved| saved.to_filter()) {
        Ok(filter) => filter,
        Err(problem) => return Ok(Err(bad(problem))),
    };
    if let Some(within) = filter.collection
        && collections::get(conn, within)?.is_none_or(|row| row.smart_filter.is_some())
    {
        return Ok(Err(bad(BadFilter::CollectionGone)));
    }
    Ok(Ok(filter))
}

/// Every collection with its count, alphabetically. A smart collection is counted by
/// applying its filter now.
pub fn summaries(conn: &mut SqliteConnection) -> Result<Vec<CollectionSummary>, DbError> {
    crate::db::transaction::read(conn, |conn| {
        let rows = collections::list(conn)?;
        let mut listed = Vec::with_capacity(rows.len());
        for row in rows {
            let smart = row.smart_filter.is_some();
            let (images, problem) = if smart {
                match scope_of(conn, &row)? {
                    Ok(filter) => (media_query::count(conn, &filter)?, None),
                    Err(problem) => (0, Some(problem.to_string())),
                }
            } else {
                (row.images, None)
            };
            let saved = row
                .smart_filter
                .as_deref()
                .and_then(|json| SavedFilter::from_json(json).ok());
            listed.push(CollectionSummary {
                id: row.id,
                name: row.name,
                smart,
                images,
                problem,
                saved,
            });
        }
        Ok(listed)
    })
}

/// Images put into or taken out of a manual collection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MembershipChange {
    Add,
    Remove,
}

/// What a membership change did: the images it actually added or removed (what its undo
/// takes back), and the ids that name no image.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Moved {
    pub changed: Vec<MediaId>,
    pub missing: Vec<MediaId>,
}

/// Adds `ids` to, or removes them from, manual collection `id`, in one write that notes
/// which images it changed. Ids that name no image are skipped and returned.
pub fn change_membership(
    conn: &mut SqliteConnection,
    id: CollectionId,
    ids: &[MediaId],
    change: MembershipChange,
) -> Result<Result<Moved, CollectionProblem>, DbError> {
    crate::db::transaction::write(conn, |conn| {
        let Some(row) = collections::get(conn, id)? else {
            return Ok(Err(CollectionProblem::Gone));
        };
        if row.smart_filter.is_some() {
            return Ok(Err(CollectionProblem::Smart(row.name)));
        }
        let (present, missing) = existing_and_missing(conn, ids)?;
        let members: HashSet<MediaId> = collections::members_among(conn, id, &present)?.into_iter().collect();
        let changed: Vec<MediaId> = match change {
            MembershipChange::Add => present.into_iter().filter(|m| !members.contains(m)).collect(),
            MembershipChange::Remove => present.into_iter().filter(|m| members.contains(m)).collect(),
        };
        match change {
            MembershipChange::Add => collections::add(conn, id, &changed)?,
            MembershipChange::Remove => collections::remove(conn, id, &changed)?,
        };
        Ok(Ok(Moved { changed, missing }))
    })
}

/// All or nothing, for scripts: when any of `ids` names no image, nothing is written and the
/// result's `missing` names them (with nothing `changed`).
pub fn change_membership_all_or_nothing(
    conn: &mut SqliteConnection,
    id: CollectionId,
    ids: &[MediaId],
    change: MembershipChange,
) -> Result<Result<Moved, CollectionProblem>, DbError> {
    crate::db::transaction::write(conn, |conn| {
        let (_, missing) = existing_and_missing(conn, ids)?;
        if !missing.is_empty() {
            return Ok(Ok(Moved {
                changed: Vec::new(),
                missing,
            }));
        }
        change_membership(conn, id, ids, change)
    })
}

/// A membership change as undo keeps it.
#[derive(Debug, Clone)]
pub struct CollectionEdit {
    pub collection: CollectionId,
    pub collection_name: String,
    pub ids: Vec<MediaId>,
    pub change: MembershipChange,
    /// The images the change actually moved, filled on the database thread by
    /// [`Catalog::apply_membership`] before any later call (the undo's) runs.
    pub changed: Arc<Mutex<Vec<MediaId>>>,
}

impl CollectionEdit {
    pub fn new(collection: CollectionId, collection_name: String, ids: Vec<MediaId>, change: MembershipChange) -> Self {
        Self {
            collection,
            collection_name,
            ids,
            change,
            changed: Arc::new(Mutex::new(Vec::new())),
        }
    }

    pub fn moved(&self) -> Vec<MediaId> {
        self.changed.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// What the undo toast names: "adding 3 images to “Picks”".
    pub fn describe(&self, images: &str) -> String {
        match self.change {
            MembershipChange::Add => fill(&tr("adding {} to “{}”"), &[images, &self.collection_name]),
            MembershipChange::Remove => fill(&tr("removing {} from “{}”"), &[images, &self.collection_name]),
        }
    }

    /// The change that takes this one back.
    pub fn reverse(&self) -> MembershipChange {
        match self.change {
            MembershipChange::Add => MembershipChange::Remove,
            MembershipChange::Remove => MembershipChange::Add,
        }
    }
}

impl Catalog {
    /// Every collection with its count.
    pub fn collection_list(&self) -> Call<Vec<CollectionSummary>> {
        self.call(summaries)
    }

    /// Creates a manual collection, or a smart one saving `smart`.
    pub fn create_collection(
        &self,
        name: CollectionName,
        smart: Option<SavedFilter>,
    ) -> Call<Result<CollectionId, NameTaken>> {
        self.call(move |conn| {
            let json = smart.map(|saved| saved.to_json());
            collections::create(conn, &name, json.as_deref())
        })
    }

    /// Renames collection `id`; `Ok(false)` when it no longer exists.
    pub fn rename_collection(&self, id: CollectionId, name: CollectionName) -> Call<Result<bool, NameTaken>> {
        self.call(move |conn| collections::rename(conn, id, &name))
    }

    /// Deletes collection `id` (never its images).
    pub fn delete_collection(&self, id: CollectionId) -> Call<bool> {
        self.call(move |conn| collections::delete(conn, id))
    }

    /// The filter collection `id`'s view starts from.
    pub fn collection_scope(&self, id: CollectionId) -> Call<Result<MediaFilter, CollectionProblem>> {
        self.call(move |conn| match collections::get(conn, id)? {
            None => Ok(Err(CollectionProblem::Gone)),
            Some(row) => scope_of(conn, &row),
        })
    }

    /// Saves `edit`'s change, noting which images it moved (for its undo).
    pub fn apply_membership(&self, edit: &CollectionEdit) -> Call<Result<Moved, CollectionProblem>> {
        let (id, ids, change, changed) = (edit.collection, edit.ids.clone(), edit.change, edit.changed.clone());
        self.call(move |conn| {
            let moved = change_membership(conn, id, &ids, change)?;
            if let Ok(moved) = &moved {
                *changed.lock().unwrap_or_else(|p| p.into_inner()) = moved.changed.clone();
            }
            Ok(moved)
        })
    }

    /// Takes `edit` back: the images it added leave, the ones it removed return.
    pub fn undo_membership(&self, edit: &CollectionEdit) -> Call<Result<Moved, CollectionProblem>> {
        let (id, moved, reverse) = (edit.collection, edit.moved(), edit.reverse());
        self.call(move |conn| change_membership(conn, id, &moved, reverse))
    }
}
