//! Keywords: adding and removing keywords on a set of images in one write that also reads
//! what it replaces (so it can be undone), the library's keywords with counts, and what the
//! keyword field offers while typing. The window and `distillery keyword` share these.

use super::catalog::{Call, Catalog};
use crate::db::keywords::{self, Keyword, KeywordCount};
use crate::db::types::MediaId;
use crate::db::{DbError, media_history};
use diesel::SqliteConnection;
use std::collections::HashSet;
use std::sync::{Arc, Mutex};

/// Keywords added to or removed from every image of a set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeywordChange {
    Add(Vec<Keyword>),
    Remove(Vec<Keyword>),
}

/// Each image's keywords before a change: what its undo puts back.
pub type KeywordSets = Vec<(MediaId, Vec<String>)>;

/// What a change did: the images' keywords before it, how many image–keyword pairs it added
/// or removed, and which ids had no image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tagged {
    pub before: KeywordSets,
    pub changed: usize,
    pub missing: Vec<MediaId>,
}

/// Applies `change` to the images `ids` that exist, reading their keywords first, in one
/// write transaction.
pub fn tag(conn: &mut SqliteConnection, ids: &[MediaId], change: &KeywordChange) -> Result<Tagged, DbError> {
    crate::db::transaction::write(conn, |conn| {
        let (existing, missing) = existing_and_missing(conn, ids)?;
        let (before, changed) = tag_existing(conn, &existing, change)?;
        Ok(Tagged {
            before,
            changed,
            missing,
        })
    })
}

/// All or nothing, for scripts: when any of `ids` is not in the library nothing is written
/// and those ids come back as the `Err`.
pub fn tag_all_or_nothing(
    conn: &mut SqliteConnection,
    ids: &[MediaId],
    change: &KeywordChange,
) -> Result<Result<Tagged, Vec<MediaId>>, DbError> {
    crate::db::transaction::write(conn, |conn| {
        let (existing, missing) = existing_and_missing(conn, ids)?;
        if !missing.is_empty() {
            return Ok(Err(missing));
        }
        let (before, changed) = tag_existing(conn, &existing, change)?;
        Ok(Ok(Tagged {
            before,
            changed,
            missing,
        }))
    })
}

/// The listed images that exist, and the ids that name none.
pub(super) fn existing_and_missing(
    conn: &mut SqliteConnection,
    ids: &[MediaId],
) -> Result<(Vec<MediaId>, Vec<MediaId>), DbError> {
    let found: HashSet<MediaId> = media_history::cull_states(conn, ids)?
        .into_iter()
        .map(|state| state.id)
        .collect();
    Ok(ids.iter().cloned().partition(|id| found.contains(id)))
}

/// The images' keywords before `change`, and how many image–keyword pairs it changed.
fn tag_existing(
    conn: &mut SqliteConnection,
    existing: &[MediaId],
    change: &KeywordChange,
) -> Result<(KeywordSets, usize), DbError> {
    let before = keywords::of_items(conn, existing)?;
    let changed = match change {
        KeywordChange::Add(add) => keywords::add(conn, existing, add)?,
        KeywordChange::Remove(remove) => keywords::remove(conn, existing, remove)?,
    };
    Ok((before, changed))
}

/// A keyword change as undo keeps it: the change, and (once saved) what it replaced.
#[derive(Debug, Clone)]
pub struct KeywordEdit {
    pub ids: Vec<MediaId>,
    pub change: KeywordChange,
    /// Filled on the database thread by [`Catalog::apply_keywords`], which runs before any
    /// later call (the undo's).
    pub before: Arc<Mutex<KeywordSets>>,
}

impl KeywordEdit {
    pub fn new(ids: Vec<MediaId>, change: KeywordChange) -> Self {
        Self {
            ids,
            change,
            before: Arc::new(Mutex::new(Vec::new())),
        }
    }

    /// The keywords the change replaced (empty until it was saved).
    pub fn sets_before(&self) -> KeywordSets {
        self.before.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// What the undo toast names: "adding “sea” to 3 images".
    pub fn describe(&self, on: &str) -> String {
        let (template, words) = match &self.change {
            // TRANSLATORS: "adding “sky”, “sea” to 3 images".
            KeywordChange::Add(words) => (crate::i18n::tr("adding {} to {}"), words),
            KeywordChange::Remove(words) => (crate::i18n::tr("removing {} from {}"), words),
        };
        let words: Vec<String> = words.iter().map(|k| format!("“{}”", k.name())).collect();
        crate::i18n::fill(&template, &[&words.join(", "), on])
    }
}

impl Catalog {
    /// Saves `edit`'s change, noting in the edit what it replaced (for its undo); answers
    /// how many image–keyword pairs changed.
    pub fn apply_keywords(&self, edit: &KeywordEdit) -> Call<usize> {
        let (ids, change, before) = (edit.ids.clone(), edit.change.clone(), edit.before.clone());
        self.call(move |conn| {
            let tagged = tag(conn, &ids, &change)?;
            *before.lock().unwrap_or_else(|p| p.into_inner()) = tagged.before;
            Ok(tagged.changed)
        })
    }

    /// Puts each image's keywords back as `sets` say (an undo).
    pub fn restore_keywords(&self, sets: KeywordSets) -> Call<()> {
        self.call(move |conn| keywords::set_exactly(conn, &sets))
    }

    /// Every keyword of the library with its count of images, alphabetically.
    pub fn keyword_list(&self) -> Call<Vec<KeywordCount>> {
        self.call(keywords::list)
    }

    /// Keywords starting with `typed`, most used first (at most `limit`).
    pub fn keyword_suggestions(&self, typed: String, limit: i64) -> Call<Vec<KeywordCount>> {
        self.call(move |conn| keywords::starting_with(conn, &typed, limit))
    }

    /// The keywords of each listed image.
    pub fn keywords_of(&self, ids: Vec<MediaId>) -> Call<KeywordSets> {
        self.call(move |conn| keywords::of_items(conn, &ids))
    }
}
