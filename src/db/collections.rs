//! `collections` and `collection_media`: named sets of images. A manual collection lists its
//! images; a smart collection keeps the filter it was saved from (JSON the services layer
//! reads) and lists none. Removing a collection or an image from one never deletes an image.
//! Counts of manual collections are kept by triggers (see the migration).

use super::DbError;
use super::names::{NameProblem, tidy};
use super::schema::{collection_media, collections, media};
use super::types::{MediaId, Timestamp};
use diesel::prelude::*;

/// Ids bound in one statement, as in `media`.
const IDS_PER_STATEMENT: usize = 10_000;

/// A collection's id: stable across renames, so saved views and undo can name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub struct CollectionId(pub i32);

/// A collection's name as typed, tidied like a keyword's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CollectionName {
    name: String,
    folded: String,
}

/// Why typed text is not a collection's name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BadCollectionName {
    #[error("{}", crate::i18n::tr("a collection needs a name"))]
    Empty,
    #[error("{}", crate::i18n::fill(&crate::i18n::tr("a collection's name has at most {} characters"), &[&super::names::MAX_NAME_CHARS.to_string()]))]
    TooLong,
    #[error("{}", crate::i18n::tr("a collection's name cannot hold control characters"))]
    ControlCharacter,
}

impl CollectionName {
    pub fn parse(typed: &str) -> Result<Self, BadCollectionName> {
        let (name, folded) = tidy(typed).map_err(|problem| match problem {
            NameProblem::Empty => BadCollectionName::Empty,
            NameProblem::TooLong => BadCollectionName::TooLong,
            NameProblem::ControlCharacter => BadCollectionName::ControlCharacter,
        })?;
        Ok(Self { name, folded })
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn folded(&self) -> &str {
        &self.folded
    }
}

/// A collection as the list shows it. `images` is the kept count of a manual collection; a
/// smart collection's count depends on its filter and is counted by the caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CollectionRow {
    pub id: CollectionId,
    pub name: String,
    /// The saved filter of a smart collection (JSON); `None` for a manual collection.
    pub smart_filter: Option<String>,
    pub images: i64,
}

/// Another collection already has this name (ignoring case).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", crate::i18n::fill(&crate::i18n::tr("there is already a collection called “{}”"), &[&.0.to_string()]))]
pub struct NameTaken(pub String);

type Row = (i32, String, Option<String>, i64);

fn from_row((id, name, smart_filter, images): Row) -> CollectionRow {
    CollectionRow {
        id: CollectionId(id),
        name,
        smart_filter,
        images,
    }
}

fn columns() -> (
    collections::id,
    collections::name,
    collections::smart_filter,
    collections::n,
) {
    (
        collections::id,
        collections::name,
        collections::smart_filter,
        collections::n,
    )
}

/// The collection named `name` (ignoring case), if any.
fn named(conn: &mut SqliteConnection, name: &CollectionName) -> Result<Option<CollectionRow>, DbError> {
    Ok(collections::table
        .filter(collections::folded.eq(name.folded()))
        .select(columns())
        .first::<Row>(conn)
        .optional()?
        .map(from_row))
}

/// Creates a collection: manual when `smart_filter` is `None`, else smart with that saved
/// filter. Refused when the name is taken.
pub fn create(
    conn: &mut SqliteConnection,
    name: &CollectionName,
    smart_filter: Option<&str>,
) -> Result<Result<CollectionId, NameTaken>, DbError> {
    super::transaction::write(conn, |conn| {
        if let Some(existing) = named(conn, name)? {
            return Ok(Err(NameTaken(existing.name)));
        }
        diesel::insert_into(collections::table)
            .values((
                collections::name.eq(name.name()),
                collections::folded.eq(name.folded()),
                collections::smart_filter.eq(smart_filter),
                collections::created_at.eq(Timestamp::now().as_str()),
            ))
            .execute(conn)?;
        let id: i32 = collections::table
            .filter(collections::folded.eq(name.folded()))
            .select(collections::id)
            .first(conn)?;
        Ok(Ok(CollectionId(id)))
    })
}

/// Renames a collection (a change of case alone is allowed). `Ok(false)` when there is no
/// such collection.
pub fn rename(
    conn: &mut SqliteConnection,
    id: CollectionId,
    name: &CollectionName,
) -> Result<Result<bool, NameTaken>, DbError> {
    super::transaction::write(conn, |conn| {
        if let Some(existing) = named(conn, name)?
            && existing.id != id
        {
            return Ok(Err(NameTaken(existing.name)));
        }
        let changed = diesel::update(collections::table.find(id.0))
            .set((collections::name.eq(name.name()), collections::folded.eq(name.folded())))
            .execute(conn)?;
        Ok(Ok(changed == 1))
    })
}

/// Replaces a smart collection's saved filter. `false` when there is no such collection.
pub fn set_smart_filter(conn: &mut SqliteConnection, id: CollectionId, json: &str) -> Result<bool, DbError> {
    let changed = diesel::update(collections::table.find(id.0))
        .set(collections::smart_filter.eq(json))
        .execute(conn)?;
    Ok(changed == 1)
}

/// Deletes a collection and its list of images (never the images). `false` when there was
/// no such collection.
pub fn delete(conn: &mut SqliteConnection, id: CollectionId) -> Result<bool, DbError> {
    super::transaction::write(conn, |conn| {
        diesel::delete(collection_media::table.filter(collection_media::collection_id.eq(id.0))).execute(conn)?;
        Ok(diesel::delete(collections::table.find(id.0)).execute(conn)? == 1)
    })
}

/// The collection called `name` (ignoring case).
pub fn find(conn: &mut SqliteConnection, name: &CollectionName) -> Result<Option<CollectionRow>, DbError> {
    named(conn, name)
}

/// The collection `id`.
pub fn get(conn: &mut SqliteConnection, id: CollectionId) -> Result<Option<CollectionRow>, DbError> {
    Ok(collections::table
        .find(id.0)
        .select(columns())
        .first::<Row>(conn)
        .optional()?
        .map(from_row))
}

/// Every collection, alphabetically.
pub fn list(conn: &mut SqliteConnection) -> Result<Vec<CollectionRow>, DbError> {
    let rows: Vec<Row> = collections::table
        .select(columns())
        .order(collections::folded)
        .load(conn)?;
    Ok(rows.into_iter().map(from_row).collect())
}

/// Puts the listed images (that exist) into manual collection `id`; returns how many were
/// not in it yet.
pub fn add(conn: &mut SqliteConnection, id: CollectionId, ids: &[MediaId]) -> Result<usize, DbError> {
    super::transaction::write(conn, |conn| {
        let mut added = 0;
        for ids in ids.chunks(IDS_PER_STATEMENT) {
            let rows = media::table.filter(media::id.eq_any(ids)).select((
                id.0.into_sql::<diesel::sql_types::Integer>(),
                media::id,
                media::rating,
                media::status,
                media::created_at,
            ));
            added += diesel::insert_or_ignore_into(collection_media::table)
                .values(rows)
                .into_columns((
                    collection_media::collection_id,
                    collection_media::media_id,
                    collection_media::rating,
                    collection_media::status,
                    collection_media::created_at,
                ))
                .execute(conn)?;
        }
        Ok(added)
    })
}

/// Takes the listed images out of manual collection `id`; returns how many were in it.
pub fn remove(conn: &mut SqliteConnection, id: CollectionId, ids: &[MediaId]) -> Result<usize, DbError> {
    super::transaction::write(conn, |conn| {
        let mut removed = 0;
        for ids in ids.chunks(IDS_PER_STATEMENT) {
            removed += diesel::delete(
                collection_media::table
                    .filter(collection_media::collection_id.eq(id.0))
                    .filter(collection_media::media_id.eq_any(ids)),
            )
            .execute(conn)?;
        }
        Ok(removed)
    })
}

/// Which of the listed images are in manual collection `id` (what an undo of an add keeps).
pub fn members_among(conn: &mut SqliteConnection, id: CollectionId, ids: &[MediaId]) -> Result<Vec<MediaId>, DbError> {
    let mut found = Vec::new();
    for ids in ids.chunks(IDS_PER_STATEMENT) {
        found.extend(
            collection_media::table
                .filter(collection_media::collection_id.eq(id.0))
                .filter(collection_media::media_id.eq_any(ids))
                .select(collection_media::media_id)
                .load::<MediaId>(conn)?,
        );
    }
    Ok(found)
}
