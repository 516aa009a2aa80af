//! Stacks: the images of one submit, grouped by the batch id in `media.stack_id`. A stack
//! the user collapsed shows as its first image (by creation time) with a count; the grid's
//! queries hide the others (`stack_hidden`, see `media_query`).

use super::DbError;
use super::schema::{collapsed_stacks, media};
use super::types::MediaId;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Bool, Text};

/// What the grid shows about an image's stack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StackInfo {
    pub stack_id: String,
    /// Images in the stack, this one included.
    pub size: u32,
    pub collapsed: bool,
}

#[derive(QueryableByName)]
struct StackRow {
    #[diesel(sql_type = Text)]
    id: String,
    #[diesel(sql_type = Text)]
    stack_id: String,
    #[diesel(sql_type = BigInt)]
    size: i64,
    #[diesel(sql_type = Bool)]
    collapsed: bool,
}

/// The stacks of the listed images that have more than one image (a page's worth: each
/// stack is counted along its index).
pub fn of_items(conn: &mut SqliteConnection, ids: &[MediaId]) -> Result<Vec<(MediaId, StackInfo)>, DbError> {
    let mut found = Vec::new();
    for chunk in ids.chunks(500) {
        let placeholders = vec!["?"; chunk.len()].join(", ");
        let sql = format!(
            "SELECT m.id AS id, m.stack_id AS stack_id, \
                 (SELECT count(*) FROM media s WHERE s.stack_id = m.stack_id) AS size, \
                 EXISTS (SELECT 1 FROM collapsed_stacks c WHERE c.stack_id = m.stack_id) AS collapsed \
             FROM media m WHERE m.id IN ({placeholders}) AND m.stack_id IS NOT NULL"
        );
        let mut query = diesel::sql_query(sql).into_boxed();
        for id in chunk {
            query = query.bind::<Text, _>(id.as_str().to_owned());
        }
        let rows: Vec<StackRow> = query.load(conn)?;
        found.extend(rows.into_iter().filter(|r| r.size > 1).map(|r| {
            (
                MediaId::from_string(r.id),
                StackInfo {
                    stack_id: r.stack_id,
                    size: u32::try_from(r.size).unwrap_or(u32::MAX),
                    collapsed: r.collapsed,
                },
            )
        }));
    }
    Ok(found)
}

/// Collapses (or expands) the stack.
pub fn set_collapsed(conn: &mut SqliteConnection, stack_id: &str, collapsed: bool) -> Result<(), DbError> {
    if collapsed {
        diesel::insert_or_ignore_into(collapsed_stacks::table)
            .values(collapsed_stacks::stack_id.eq(stack_id))
            .execute(conn)?;
    } else {
        diesel::delete(collapsed_stacks::table.find(stack_id)).execute(conn)?;
    }
    Ok(())
}

/// Collapses every stack of more than one image (or expands them all). Returns how many
/// stacks are collapsed afterwards.
pub fn set_all_collapsed(conn: &mut SqliteConnection, collapsed: bool) -> Result<usize, DbError> {
    crate::db::transaction::write(conn, |conn| {
        diesel::delete(collapsed_stacks::table).execute(conn)?;
        if collapsed {
            diesel::sql_query(
                "INSERT INTO collapsed_stacks (stack_id) \
                 SELECT stack_id FROM media WHERE stack_id IS NOT NULL GROUP BY stack_id HAVING count(*) > 1",
            )
            .execute(conn)?;
        }
        Ok::<_, diesel::result::Error>(())
    })?;
    Ok(collapsed_stacks::table.count().get_result::<i64>(conn)? as usize)
}

/// The stack's first image (the one a collapsed stack shows).
pub fn first_of(conn: &mut SqliteConnection, stack_id: &str) -> Result<Option<MediaId>, DbError> {
    Ok(media::table
        .filter(media::stack_id.eq(stack_id))
        .order((media::created_at.asc(), media::id.asc()))
        .select(media::id)
        .first::<MediaId>(conn)
        .optional()?)
}

/// Whether any stack is collapsed (the grid's counts need no correction otherwise).
pub fn any_collapsed(conn: &mut SqliteConnection) -> Result<bool, DbError> {
    Ok(diesel::select(diesel::dsl::exists(
        collapsed_stacks::table.select(collapsed_stacks::stack_id),
    ))
    .get_result(conn)?)
}

/// Whether a collapsed stack hides the image.
pub fn is_hidden(conn: &mut SqliteConnection, id: &MediaId) -> Result<bool, DbError> {
    #[derive(QueryableByName)]
    struct Hidden {
        #[diesel(sql_type = Bool)]
        hidden: bool,
    }
    let row: Hidden = diesel::sql_query(
        "SELECT EXISTS (SELECT 1 FROM stack_hidden WHERE rowid = (SELECT rowid FROM media WHERE id = ?)) AS hidden",
    )
    .bind::<Text, _>(id.as_str())
    .get_result(conn)?;
    Ok(row.hidden)
}
