//! `generation_inputs`: the reference images of a generation, in order. Each keeps its own
//! thumbnail path so it can still be shown after its source item is deleted.

use super::DbError;
use super::schema::generation_inputs;
use super::types::{GenerationId, GenerationInputId, MediaId, Timestamp};
use diesel::prelude::*;

/// One reference image of a generation.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable)]
#[diesel(table_name = generation_inputs, check_for_backend(diesel::sqlite::Sqlite))]
pub struct GenerationInput {
    pub id: GenerationInputId,
    pub generation_id: GenerationId,
    /// `None` once the source item has been deleted from the library.
    pub media_id: Option<MediaId>,
    pub position: i32,
    /// Relative to the library root (under `ref_thumbnails/`).
    pub thumb_path: String,
    #[diesel(deserialize_as = String)]
    pub created_at: Timestamp,
}

/// A reference image to record.
#[derive(Debug, Clone)]
pub struct NewGenerationInput {
    pub media_id: Option<MediaId>,
    pub thumb_path: String,
}

#[derive(Insertable)]
#[diesel(table_name = generation_inputs)]
struct InputInsert<'a> {
    id: GenerationInputId,
    generation_id: &'a GenerationId,
    media_id: Option<&'a MediaId>,
    position: i32,
    thumb_path: &'a str,
    created_at: &'a str,
}

/// Records the reference images of `generation` in the given order (position 0, 1, ...).
pub fn insert_all(
    conn: &mut SqliteConnection,
    generation: &GenerationId,
    inputs: &[NewGenerationInput],
) -> Result<Vec<GenerationInput>, DbError> {
    let now = Timestamp::now();
    let rows: Vec<InputInsert<'_>> = inputs
        .iter()
        .enumerate()
        .map(|(position, input)| InputInsert {
            id: GenerationInputId::new(),
            generation_id: generation,
            media_id: input.media_id.as_ref(),
            position: i32::try_from(position).unwrap_or(i32::MAX),
            thumb_path: &input.thumb_path,
            created_at: now.as_str(),
        })
        .collect();
    crate::db::transaction::write(conn, |conn| {
        diesel::insert_into(generation_inputs::table)
            .values(&rows)
            .execute(conn)
    })?;
    for_generation(conn, generation)
}

/// The reference images of `generation`, by position.
pub fn for_generation(conn: &mut SqliteConnection, generation: &GenerationId) -> Result<Vec<GenerationInput>, DbError> {
    Ok(generation_inputs::table
        .filter(generation_inputs::generation_id.eq(generation))
        .order(generation_inputs::position.asc())
        .select(GenerationInput::as_select())
        .load(conn)?)
}
