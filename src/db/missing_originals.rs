//! `missing_originals`: items whose original file a library check found gone, so the grid
//! can mark them. Set by a repair, to exactly what the check found.

use super::DbError;
use super::schema::missing_originals;
use super::types::{MediaId, Timestamp};
use diesel::prelude::*;
use std::collections::HashSet;

/// Marks exactly `ids` as missing: new ones are added, ones found again lose their mark,
/// those still missing keep the time they were first noticed. Returns how many are marked.
pub fn mark_exactly(conn: &mut SqliteConnection, ids: &[MediaId]) -> Result<usize, DbError> {
    let now = Timestamp::now();
    crate::db::transaction::write(conn, |conn| {
        let marked: HashSet<MediaId> = missing_originals::table
            .select(missing_originals::media_id)
            .load::<MediaId>(conn)?
            .into_iter()
            .collect();
        let missing: HashSet<&MediaId> = ids.iter().collect();
        let found_again: Vec<&MediaId> = marked.iter().filter(|id| !missing.contains(id)).collect();
        for chunk in found_again.chunks(10_000) {
            diesel::delete(missing_originals::table.filter(missing_originals::media_id.eq_any(chunk))).execute(conn)?;
        }
        for id in ids.iter().filter(|id| !marked.contains(id)) {
            diesel::insert_into(missing_originals::table)
                .values((
                    missing_originals::media_id.eq(id),
                    missing_originals::noticed_at.eq(now.as_str()),
                ))
                .execute(conn)?;
        }
        Ok::<_, diesel::result::Error>(ids.len())
    })
    .map_err(DbError::from)
}

/// Every marked item (a short list: empty in a healthy library).
pub fn all(conn: &mut SqliteConnection) -> Result<Vec<MediaId>, DbError> {
    Ok(missing_originals::table
        .select(missing_originals::media_id)
        .load(conn)?)
}
