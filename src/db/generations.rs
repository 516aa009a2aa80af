//! `generations`: what was asked of the engine and what it reported.

use super::DbError;
use super::schema::generations;
use super::types::{BaseModelId, GenerationId, GenerationStatus, Timestamp};
use diesel::prelude::*;

/// One generation request with its parameters and, once finished, its outcome.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable)]
#[diesel(table_name = generations, check_for_backend(diesel::sqlite::Sqlite))]
pub struct Generation {
    pub id: GenerationId,
    pub base_model_id: Option<BaseModelId>,
    pub provider: String,
    pub model_file: Option<String>,
    pub prompt: Option<String>,
    pub width: Option<i32>,
    pub height: Option<i32>,
    pub seed: Option<i64>,
    pub steps: Option<i32>,
    pub guidance: Option<f64>,
    pub sampling_method: Option<String>,
    pub params_json: Option<String>,
    pub status: GenerationStatus,
    pub total_time_ms: Option<i64>,
    pub prompt_cache_hit: Option<bool>,
    pub ref_latent_cache_hit: Option<bool>,
    #[diesel(deserialize_as = String)]
    pub created_at: Timestamp,
}

/// A generation as submitted: parameters only, status pending.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = generations)]
pub struct NewGeneration {
    pub id: GenerationId,
    pub base_model_id: Option<BaseModelId>,
    pub provider: String,
    pub model_file: Option<String>,
    pub prompt: Option<String>,
    pub width: Option<i32>,
    pub height: Option<i32>,
    pub seed: Option<i64>,
    pub steps: Option<i32>,
    pub guidance: Option<f64>,
    pub sampling_method: Option<String>,
    pub params_json: Option<String>,
    pub status: GenerationStatus,
    pub created_at: String,
}

/// What the engine reported for a finished generation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GenerationOutcome {
    pub seed: i64,
    pub total_time_ms: i64,
    pub prompt_cache_hit: bool,
    pub ref_latent_cache_hit: bool,
}

/// Stores a submitted generation (status pending) and returns it.
pub fn insert(conn: &mut SqliteConnection, new: &NewGeneration) -> Result<Generation, DbError> {
    diesel::insert_into(generations::table).values(new).execute(conn)?;
    get(conn, &new.id)?.ok_or(DbError::Query(diesel::result::Error::NotFound))
}

/// Stores many generations at once, in the caller's transaction (bulk loads).
pub fn insert_many(conn: &mut SqliteConnection, rows: &[NewGeneration]) -> Result<usize, DbError> {
    let mut added = 0;
    for chunk in rows.chunks(1000) {
        added += diesel::insert_into(generations::table).values(chunk).execute(conn)?;
    }
    Ok(added)
}

/// The generation with this id, if it exists.
pub fn get(conn: &mut SqliteConnection, id: &GenerationId) -> Result<Option<Generation>, DbError> {
    Ok(generations::table
        .find(id)
        .select(Generation::as_select())
        .first(conn)
        .optional()?)
}

/// Records a successful generation; returns whether the row existed.
pub fn mark_completed(
    conn: &mut SqliteConnection,
    id: &GenerationId,
    outcome: &GenerationOutcome,
) -> Result<bool, DbError> {
    let changed = diesel::update(generations::table.find(id))
        .set((
            generations::status.eq(GenerationStatus::Completed),
            generations::seed.eq(outcome.seed),
            generations::total_time_ms.eq(outcome.total_time_ms),
            generations::prompt_cache_hit.eq(outcome.prompt_cache_hit),
            generations::ref_latent_cache_hit.eq(outcome.ref_latent_cache_hit),
        ))
        .execute(conn)?;
    Ok(changed > 0)
}

/// Records a failed generation; returns whether the row existed.
pub fn mark_failed(
    conn: &mut SqliteConnection,
    id: &GenerationId,
    total_time_ms: Option<i64>,
) -> Result<bool, DbError> {
    let changed = diesel::update(generations::table.find(id))
        .set((
            generations::status.eq(GenerationStatus::Failed),
            generations::total_time_ms.eq(total_time_ms),
        ))
        .execute(conn)?;
    Ok(changed > 0)
}

/// Whether a generation's stored parameters name the prepared reference `file` (relative to
/// the library root).
pub fn uses_reference(conn: &mut SqliteConnection, file: &str) -> Result<bool, DbError> {
    let quoted = serde_json::to_string(file).unwrap_or_default();
    let query = generations::table.filter(
        diesel::dsl::sql::<diesel::sql_types::Bool>("instr(params_json, ")
            .bind::<diesel::sql_types::Text, _>(quoted)
            .sql(") > 0"),
    );
    Ok(diesel::select(diesel::dsl::exists(query)).get_result(conn)?)
}
