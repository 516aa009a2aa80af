//! `media`: one row per file in the library. Grid queries live in `media_query`.

use super::DbError;
use super::schema::media;
use super::types::{CullStatus, GenerationId, MediaId, MediaType, Origin, Rating, Timestamp};
use diesel::prelude::*;

/// One item of the library.
#[derive(Debug, Clone, PartialEq, Queryable, QueryableByName, Selectable)]
#[diesel(table_name = media, check_for_backend(diesel::sqlite::Sqlite))]
pub struct Media {
    pub id: MediaId,
    /// Relative to the library root, e.g. `originals/2026/11/<id>.png`.
    pub file_path: String,
    /// Relative to the library root.
    pub thumb_path: Option<String>,
    pub file_name: String,
    pub media_type: MediaType,
    pub origin: Origin,
    pub width: Option<i32>,
    pub height: Option<i32>,
    pub file_size: Option<i64>,
    #[diesel(deserialize_as = i32)]
    pub rating: Rating,
    pub status: Option<CullStatus>,
    pub generation_id: Option<GenerationId>,
    #[diesel(deserialize_as = String)]
    pub created_at: Timestamp,
    #[diesel(deserialize_as = String)]
    pub updated_at: Timestamp,
}

/// What is needed to add an item; rating and status start empty.
#[derive(Debug, Clone)]
pub struct NewMedia {
    pub id: MediaId,
    pub file_path: String,
    pub thumb_path: Option<String>,
    pub file_name: String,
    pub media_type: MediaType,
    pub origin: Origin,
    pub width: Option<i32>,
    pub height: Option<i32>,
    pub file_size: Option<i64>,
    pub generation_id: Option<GenerationId>,
    pub created_at: Timestamp,
    /// SHA-256 of the stored file's bytes (hex), for de-duplication.
    pub content_hash: Option<String>,
}

#[derive(Insertable)]
#[diesel(table_name = media)]
struct MediaInsert<'a> {
    id: &'a MediaId,
    file_path: &'a str,
    thumb_path: Option<&'a str>,
    file_name: &'a str,
    media_type: MediaType,
    origin: Origin,
    width: Option<i32>,
    height: Option<i32>,
    file_size: Option<i64>,
    rating: i32,
    status: Option<CullStatus>,
    generation_id: Option<&'a GenerationId>,
    created_at: &'a str,
    updated_at: &'a str,
    content_hash: Option<&'a str>,
}

impl<'a> MediaInsert<'a> {
    fn from_new(new: &'a NewMedia, rating: Rating, status: Option<CullStatus>) -> Self {
        MediaInsert {
            id: &new.id,
            file_path: &new.file_path,
            thumb_path: new.thumb_path.as_deref(),
            file_name: &new.file_name,
            media_type: new.media_type,
            origin: new.origin,
            width: new.width,
            height: new.height,
            file_size: new.file_size,
            rating: i32::from(rating.stars()),
            status,
            generation_id: new.generation_id.as_ref(),
            created_at: new.created_at.as_str(),
            updated_at: new.created_at.as_str(),
            content_hash: new.content_hash.as_deref(),
        }
    }
}

/// Adds an item and returns it as stored.
pub fn insert(conn: &mut SqliteConnection, new: &NewMedia) -> Result<Media, DbError> {
    let row = MediaInsert::from_new(new, Rating::UNRATED, None);
    diesel::insert_into(media::table).values(&row).execute(conn)?;
    get(conn, &new.id)?.ok_or(DbError::Query(diesel::result::Error::NotFound))
}

/// Adds many items with their rating and status, in the caller's transaction (bulk loads
/// such as the demo library). Returns how many rows were added.
pub fn insert_many(
    conn: &mut SqliteConnection,
    items: &[(NewMedia, Rating, Option<CullStatus>)],
) -> Result<usize, DbError> {
    let rows: Vec<MediaInsert<'_>> = items
        .iter()
        .map(|(new, rating, status)| MediaInsert::from_new(new, *rating, *status))
        .collect();
    let mut added = 0;
    // SQLite takes at most 32766 bound values per statement: 14 columns x 1000 rows fits.
    for chunk in rows.chunks(1000) {
        added += diesel::insert_into(media::table).values(chunk).execute(conn)?;
    }
    Ok(added)
}

/// Ids bound in one statement: well under SQLite's limit of 32,766 variables, so selecting a
/// whole 100k library and rating it works.
const IDS_PER_STATEMENT: usize = 10_000;

/// The item whose stored file has this content hash, if any.
pub fn find_by_hash(conn: &mut SqliteConnection, hash: &str) -> Result<Option<MediaId>, DbError> {
    Ok(media::table
        .filter(media::content_hash.eq(hash))
        .select(media::id)
        .first::<MediaId>(conn)
        .optional()?)
}

/// The item with this id, if it exists.
pub fn get(conn: &mut SqliteConnection, id: &MediaId) -> Result<Option<Media>, DbError> {
    Ok(media::table
        .find(id)
        .select(Media::as_select())
        .first(conn)
        .optional()?)
}

/// Sets the rating of every listed item in one transaction; returns how many changed.
pub fn set_rating(conn: &mut SqliteConnection, ids: &[MediaId], rating: Rating) -> Result<usize, DbError> {
    let now = Timestamp::now();
    crate::db::transaction::write(conn, |conn| {
        let mut changed = 0;
        for ids in ids.chunks(IDS_PER_STATEMENT) {
            changed += diesel::update(media::table.filter(media::id.eq_any(ids)))
                .set((
                    media::rating.eq(i32::from(rating.stars())),
                    media::updated_at.eq(now.as_str()),
                ))
                .execute(conn)?;
        }
        Ok::<_, diesel::result::Error>(changed)
    })
    .map_err(DbError::from)
}

/// Sets (or clears, with `None`) the culling status of every listed item; returns how many changed.
pub fn set_status(conn: &mut SqliteConnection, ids: &[MediaId], status: Option<CullStatus>) -> Result<usize, DbError> {
    let now = Timestamp::now();
    crate::db::transaction::write(conn, |conn| {
        let mut changed = 0;
        for ids in ids.chunks(IDS_PER_STATEMENT) {
            changed += diesel::update(media::table.filter(media::id.eq_any(ids)))
                .set((media::status.eq(status), media::updated_at.eq(now.as_str())))
                .execute(conn)?;
        }
        Ok::<_, diesel::result::Error>(changed)
    })
    .map_err(DbError::from)
}

/// Removes the rows of the listed items (their files are the library's business); returns how
/// many were removed. References from `generation_inputs` become NULL.
pub fn delete(conn: &mut SqliteConnection, ids: &[MediaId]) -> Result<usize, DbError> {
    crate::db::transaction::write(conn, |conn| {
        let mut removed = 0;
        for ids in ids.chunks(IDS_PER_STATEMENT) {
            removed += diesel::delete(media::table.filter(media::id.eq_any(ids))).execute(conn)?;
        }
        Ok::<_, diesel::result::Error>(removed)
    })
    .map_err(DbError::from)
}

/// The listed items that exist, in no particular order.
pub fn get_many(conn: &mut SqliteConnection, ids: &[MediaId]) -> Result<Vec<Media>, DbError> {
    let mut found = Vec::with_capacity(ids.len());
    for ids in ids.chunks(IDS_PER_STATEMENT) {
        found.extend(
            media::table
                .filter(media::id.eq_any(ids))
                .select(Media::as_select())
                .load(conn)?,
        );
    }
    Ok(found)
}

/// The number of items in the library.
/// Read from the counts the triggers keep (`media_counts`), not by scanning the library.
pub fn count_all(conn: &mut SqliteConnection) -> Result<i64, DbError> {
    use diesel::sql_types::BigInt;
    let total = diesel::select(diesel::dsl::sql::<BigInt>(
        "(SELECT coalesce(sum(n), 0) FROM media_counts)",
    ))
    .get_result::<i64>(conn)?;
    Ok(total)
}

/// The items a generation produced, oldest first.
/// Whether an item's original is stored at `file_path` (relative to the library root).
pub fn names_file(conn: &mut SqliteConnection, file_path: &str) -> Result<bool, DbError> {
    Ok(diesel::select(diesel::dsl::exists(media::table.filter(media::file_path.eq(file_path)))).get_result(conn)?)
}

pub fn for_generation(conn: &mut SqliteConnection, generation: &GenerationId) -> Result<Vec<Media>, DbError> {
    Ok(media::table
        .filter(media::generation_id.eq(generation))
        .order((media::created_at.asc(), media::id.asc()))
        .select(Media::as_select())
        .load(conn)?)
}
