//! Culling: a rating (0–5) or a status (selected, rejected, neither) for a set of items, in
//! one write transaction that also reads what it replaces, so the change can be undone.

use crate::db::media_history::{self, CullField, CullState};
use crate::db::types::{CullStatus, MediaId, Rating};
use crate::db::{DbError, media};
use diesel::SqliteConnection;

/// One culling change, for every item it is applied to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CullChange {
    Rating(Rating),
    Status(Option<CullStatus>),
}

impl CullChange {
    /// The column the change writes (what an undo puts back).
    pub fn field(self) -> CullField {
        match self {
            CullChange::Rating(_) => CullField::Rating,
            CullChange::Status(_) => CullField::Status,
        }
    }
}

/// What a change did: the items' states before it (for undo) and which ids had no item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Culled {
    pub before: Vec<CullState>,
    pub missing: Vec<MediaId>,
}

/// Applies `change` to the items `ids` that exist, reading their state first, in one write
/// transaction (another process cannot slip a change in between). The window's case: an
/// item deleted meanwhile is simply not there any more.
pub fn cull(conn: &mut SqliteConnection, ids: &[MediaId], change: CullChange) -> Result<Culled, DbError> {
    crate::db::transaction::write(conn, |conn| {
        let culled = read_before(conn, ids)?;
        write_change(conn, ids, change)?;
        Ok(culled)
    })
}

/// All or nothing, for scripts: when any of `ids` is not in the library nothing is written
/// and those ids come back as the `Err`.
pub fn cull_all_or_nothing(
    conn: &mut SqliteConnection,
    ids: &[MediaId],
    change: CullChange,
) -> Result<Result<Culled, Vec<MediaId>>, DbError> {
    crate::db::transaction::write(conn, |conn| {
        let culled = read_before(conn, ids)?;
        if !culled.missing.is_empty() {
            return Ok(Err(culled.missing));
        }
        write_change(conn, ids, change)?;
        Ok(Ok(culled))
    })
}

/// The states of `ids` before a change, and which of them have no item.
fn read_before(conn: &mut SqliteConnection, ids: &[MediaId]) -> Result<Culled, DbError> {
    let before = media_history::cull_states(conn, ids)?;
    let found: std::collections::HashSet<&MediaId> = before.iter().map(|state| &state.id).collect();
    let missing = ids.iter().filter(|id| !found.contains(id)).cloned().collect();
    Ok(Culled { before, missing })
}

fn write_change(conn: &mut SqliteConnection, ids: &[MediaId], change: CullChange) -> Result<usize, DbError> {
    match change {
        CullChange::Rating(rating) => media::set_rating(conn, ids, rating),
        CullChange::Status(status) => media::set_status(conn, ids, status),
    }
}

/// Puts `field` back as `states` say (an undo), in one transaction.
pub fn restore(conn: &mut SqliteConnection, states: &[CullState], field: CullField) -> Result<usize, DbError> {
    media_history::restore_cull_states(conn, states, field)
}

/// Compare's "keep this, reject the others": the changes, in the order they are applied
/// (the others rejected, then the kept one selected; the kept one is never rejected, even
/// if it is also listed among the others).
pub fn keep_one_reject_others(kept: MediaId, others: Vec<MediaId>) -> Vec<(Vec<MediaId>, CullChange)> {
    let others: Vec<MediaId> = others.into_iter().filter(|id| *id != kept).collect();
    let mut changes = Vec::with_capacity(2);
    if !others.is_empty() {
        changes.push((others, CullChange::Status(Some(CullStatus::Rejected))));
    }
    changes.push((vec![kept], CullChange::Status(Some(CullStatus::Selected))));
    changes
}

/// A status as people and scripts write it: "selected", "rejected" or "none".
pub fn parse_status(text: &str) -> Result<Option<CullStatus>, String> {
    match text.trim().to_ascii_lowercase().as_str() {
        "selected" | "pick" | "picked" => Ok(Some(CullStatus::Selected)),
        "rejected" | "reject" => Ok(Some(CullStatus::Rejected)),
        "none" | "clear" | "unmarked" => Ok(None),
        other => Err(format!("'{other}' is not a status: use selected, rejected or none")),
    }
}

/// A rating as people and scripts write it: 0 (none) to 5.
pub fn parse_rating(text: &str) -> Result<Rating, String> {
    text.trim()
        .parse::<u8>()
        .ok()
        .and_then(Rating::new)
        .ok_or_else(|| format!("'{text}' is not a rating: use 0 (none) to 5"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::Database;
    use crate::db::media_query::{MediaFilter, MediaSort, page};

    /// A real database file with five items.
    fn library() -> (tempfile::TempDir, Database, Vec<MediaId>) {
        use crate::db::types::{MediaType, Origin, Timestamp};
        let dir = tempfile::tempdir().unwrap();
        let db = crate::db::open_database(&dir.path().join("distillery.db")).unwrap().db;
        db.call_blocking(|conn| {
            for n in 0..5 {
                crate::db::media::insert(
                    conn,
                    &crate::db::media::NewMedia {
                        id: MediaId::new(),
                        file_path: format!("originals/{n}.png"),
                        thumb_path: None,
                        file_name: format!("{n}.png"),
                        media_type: MediaType::Image,
                        origin: Origin::Import,
                        width: Some(8),
                        height: Some(8),
                        file_size: Some(100),
                        generation_id: None,
                        created_at: Timestamp::now(),
                        content_hash: None,
                    },
                )?;
            }
            Ok(())
        })
        .unwrap();
        let ids = db
            .call_blocking(|conn| page(conn, &MediaFilter::default(), MediaSort::NewestFirst, None, 10))
            .unwrap()
            .into_iter()
            .map(|item| item.id)
            .collect();
        (dir, db, ids)
    }

    #[test]
    fn a_change_is_saved_with_what_it_replaced_and_undoes_exactly() {
        let (_dir, db, ids) = library();
        let chosen = vec![ids[0].clone(), ids[2].clone()];
        let before_rows = db.call_blocking(move |c| crate::db::media::get_many(c, &ids)).unwrap();
        let (one, two) = (chosen.clone(), chosen.clone());
        let culled = db
            .call_blocking(move |c| cull(c, &one, CullChange::Rating(Rating::new(4).unwrap())))
            .unwrap();
        assert_eq!(culled.before.len(), 2);
        assert!(culled.missing.is_empty());
        let after = db.call_blocking(move |c| crate::db::media::get_many(c, &two)).unwrap();
        assert!(after.iter().all(|m| m.rating == Rating::new(4).unwrap()));

        let states = culled.before.clone();
        db.call_blocking(move |c| restore(c, &states, CullField::Rating))
            .unwrap();
        let all: Vec<MediaId> = before_rows.iter().map(|m| m.id.clone()).collect();
        let restored = db.call_blocking(move |c| crate::db::media::get_many(c, &all)).unwrap();
        for (was, now) in before_rows.iter().zip(&restored) {
            assert_eq!((was.id.clone(), was.rating), (now.id.clone(), now.rating));
        }
    }

    #[test]
    fn keeping_one_rejects_the_others_and_never_the_kept_one() {
        let (a, b, c) = (MediaId::new(), MediaId::new(), MediaId::new());
        let changes = keep_one_reject_others(a.clone(), vec![b.clone(), a.clone(), c.clone()]);
        assert_eq!(
            changes,
            vec![
                (vec![b, c], CullChange::Status(Some(CullStatus::Rejected))),
                (vec![a.clone()], CullChange::Status(Some(CullStatus::Selected))),
            ]
        );
        assert_eq!(keep_one_reject_others(a.clone(), vec![]).len(), 1);
    }

    #[test]
    fn unknown_ids_are_named_and_statuses_parse_as_written() {
        let (_dir, db, ids) = library();
        let ghost = MediaId::new();
        let asked = vec![ids[1].clone(), ghost.clone()];
        let culled = db
            .call_blocking(move |c| cull(c, &asked, CullChange::Status(Some(CullStatus::Rejected))))
            .unwrap();
        assert_eq!(culled.missing, vec![ghost.clone()]);
        // All or nothing: the known item is left as it was.
        let (known, both) = (ids[2].clone(), vec![ids[2].clone(), ghost.clone()]);
        let refused = db
            .call_blocking(move |c| cull_all_or_nothing(c, &both, CullChange::Rating(Rating::new(5).unwrap())))
            .unwrap();
        assert_eq!(refused, Err(vec![ghost]));
        let untouched = db
            .call_blocking(move |c| crate::db::media::get(c, &known))
            .unwrap()
            .unwrap();
        assert_eq!(untouched.rating, Rating::UNRATED);
        assert_eq!(parse_status("Selected"), Ok(Some(CullStatus::Selected)));
        assert_eq!(parse_status("none"), Ok(None));
        assert!(
            parse_status("maybe")
                .unwrap_err()
                .contains("selected, rejected or none")
        );
        assert_eq!(parse_rating("5"), Ok(Rating::new(5).unwrap()));
        assert!(parse_rating("6").is_err() && parse_rating("-1").is_err() && parse_rating("x").is_err());
    }
}
