//! `base_models`: canonical model identities ("FLUX.2 Klein 9B"), seeded by the first migration.

use super::DbError;
use super::schema::base_models;
use super::types::{BaseModelId, MediaType, Timestamp};
use diesel::prelude::*;

/// A canonical model, independent of file names and providers.
#[derive(Debug, Clone, PartialEq)]
pub struct BaseModel {
    pub id: BaseModelId,
    pub name: String,
    pub family: String,
    pub media_type: MediaType,
    pub created_at: Timestamp,
}

type Row = (BaseModelId, String, String, MediaType, String);

fn from_row((id, name, family, media_type, created_at): Row) -> BaseModel {
    BaseModel {
        id,
        name,
        family,
        media_type,
        created_at: Timestamp::from_db(created_at),
    }
}

const COLUMNS: (
    base_models::id,
    base_models::name,
    base_models::family,
    base_models::media_type,
    base_models::created_at,
) = (
    base_models::id,
    base_models::name,
    base_models::family,
    base_models::media_type,
    base_models::created_at,
);

/// All known models, by name.
pub fn list(conn: &mut SqliteConnection) -> Result<Vec<BaseModel>, DbError> {
    let rows: Vec<Row> = base_models::table
        .select(COLUMNS)
        .order(base_models::name.asc())
        .load(conn)?;
    Ok(rows.into_iter().map(from_row).collect())
}

/// The models the library's images were generated with, as the info panel and the model
/// filter name them (the canonical name, else the model file), alphabetically.
pub fn names_in_use(conn: &mut SqliteConnection) -> Result<Vec<String>, DbError> {
    #[derive(QueryableByName)]
    struct Name {
        #[diesel(sql_type = diesel::sql_types::Text)]
        name: String,
    }
    let names: Vec<Name> = diesel::sql_query(
        "SELECT DISTINCT coalesce(b.name, g.model_file) AS name FROM generations g \
         LEFT JOIN base_models b ON b.id = g.base_model_id \
         WHERE coalesce(b.name, g.model_file) IS NOT NULL \
         AND EXISTS (SELECT 1 FROM media m WHERE m.generation_id = g.id) \
         ORDER BY name COLLATE NOCASE",
    )
    .load(conn)?;
    Ok(names.into_iter().map(|n| n.name).collect())
}

/// The model with this canonical name, if known.
pub fn find_by_name(conn: &mut SqliteConnection, name: &str) -> Result<Option<BaseModel>, DbError> {
    let row: Option<Row> = base_models::table
        .select(COLUMNS)
        .filter(base_models::name.eq(name))
        .first(conn)
        .optional()?;
    Ok(row.map(from_row))
}

/// The model with this id, if known.
pub fn get(conn: &mut SqliteConnection, id: &BaseModelId) -> Result<Option<BaseModel>, DbError> {
    let row: Option<Row> = base_models::table.select(COLUMNS).find(id).first(conn).optional()?;
    Ok(row.map(from_row))
}
