//! The grid's queries: every filter x sort is served by an index alone (covering, without a
//! temporary sort), and keyset pages walk the whole filtered library in order, with nothing
//! skipped or repeated.

use distillery::db::media::{self, NewMedia};
use distillery::db::media_query::{self, Cursor, MediaFilter, MediaSort, StatusFilter, ViewItem};
use distillery::db::types::*;
use distillery::db::{Database, open_database};

fn filters() -> Vec<MediaFilter> {
    let mut all = Vec::new();
    for status in StatusFilter::ALL {
        for stars in [0, 1, 3, 5] {
            all.push(MediaFilter {
                min_rating: Rating::new(stars).unwrap(),
                status,
                search: None,
                ..Default::default()
            });
        }
    }
    all
}

/// A library of `n` items with a spread of ratings, statuses and (some equal) timestamps.
fn seeded(n: usize) -> (tempfile::TempDir, Database) {
    let dir = tempfile::tempdir().unwrap();
    let db = open_database(&dir.path().join("d.db")).unwrap().db;
    db.call_blocking(move |c| {
        use diesel::Connection;
        c.transaction(|c| {
            for i in 0..n {
                let id = MediaId::new();
                // Every third item shares its timestamp with the previous one, to exercise ties.
                let second = i - i / 3;
                let created = format!("2026-01-01T00:{:02}:{:02}.000Z", (second / 60) % 60, second % 60);
                let item = NewMedia {
                    file_path: format!("originals/2026/01/{id}.png"),
                    thumb_path: None,
                    file_name: format!("{i}.png"),
                    media_type: MediaType::Image,
                    origin: Origin::Import,
                    width: Some(64),
                    height: Some(64),
                    file_size: Some(1000),
                    generation_id: None,
                    created_at: Timestamp::parse(&created).unwrap(),
                    content_hash: None,
                    id: id.clone(),
                };
                media::insert(c, &item)?;
                media::set_rating(c, std::slice::from_ref(&id), Rating::new((i * 7 % 6) as u8).unwrap())?;
                let status = match i % 5 {
                    0 => Some(CullStatus::Selected),
                    1 => Some(CullStatus::Rejected),
                    _ => None,
                };
                media::set_status(c, std::slice::from_ref(&id), status)?;
            }
            Ok::<_, distillery::db::DbError>(())
        })
    })
    .unwrap();
    (dir, db)
}

#[test]
fn every_filter_and_sort_is_served_by_an_index_without_a_temporary_sort() {
    let (_dir, db) = seeded(50);
    let cursor = Cursor {
        rating: Rating::new(3).unwrap(),
        created_at: Timestamp::parse("2026-01-01T00:00:10.000Z").unwrap(),
        id: MediaId::new(),
    };
    for filter in filters() {
        for sort in MediaSort::ALL {
            for after in [None, Some(cursor.clone())] {
                let filter = filter.clone();
                let planned = filter.clone();
                let plan = db
                    .call_blocking(move |c| media_query::page_plan(c, &planned, sort, after.as_ref()))
                    .unwrap()
                    .join(" | ");
                assert!(
                    !plan.contains("TEMP B-TREE"),
                    "{filter:?} {sort:?} sorts in a temporary b-tree: {plan}"
                );
                // Pages read only what the indexes hold: no lookup into the table per row.
                assert!(
                    plan.contains("USING COVERING INDEX"),
                    "{filter:?} {sort:?} reads the table: {plan}"
                );
                // "5 stars" is an equality, so the rating index serves the date order too and
                // reads only matching rows.
                let by_rating = matches!(sort, MediaSort::HighestRated | MediaSort::LowestRated)
                    || filter.min_rating == Rating::MAX;
                let expected_index = match (by_rating, filter.status) {
                    (false, StatusFilter::All) => "media_created_idx",
                    (false, _) => "media_status_created_idx",
                    (true, StatusFilter::All) => "media_rating_created_idx",
                    (true, _) => "media_status_rating_created_idx",
                };
                assert!(
                    plan.contains(expected_index),
                    "{filter:?} {sort:?} should use {expected_index}: {plan}"
                );
            }
        }
    }
}

fn walk(db: &Database, filter: MediaFilter, sort: MediaSort, page_size: u32) -> Vec<ViewItem> {
    let mut all: Vec<ViewItem> = Vec::new();
    loop {
        let after = all.last().map(Cursor::after);
        let filter = filter.clone();
        let page = db
            .call_blocking(move |c| media_query::page(c, &filter, sort, after.as_ref(), page_size))
            .unwrap();
        let done = page.len() < page_size as usize;
        all.extend(page);
        if done {
            return all;
        }
    }
}

#[test]
fn keyset_pages_cover_each_filtered_view_exactly_once_in_order() {
    let (_dir, db) = seeded(600);
    for filter in filters() {
        for sort in MediaSort::ALL {
            let walked = walk(&db, filter.clone(), sort, 37);
            let mut expected = walk(&db, MediaFilter::default(), MediaSort::NewestFirst, 10_000);
            expected.retain(|m| {
                m.rating >= filter.min_rating
                    && match filter.status {
                        StatusFilter::All => true,
                        StatusFilter::Selected => m.status == Some(CullStatus::Selected),
                        StatusFilter::Rejected => m.status == Some(CullStatus::Rejected),
                        StatusFilter::Unmarked => m.status.is_none(),
                    }
            });
            let key = |m: &ViewItem| (m.rating, m.created_at.clone(), m.id.clone());
            match sort {
                MediaSort::NewestFirst => expected.sort_by(|a, b| (&b.created_at, &b.id).cmp(&(&a.created_at, &a.id))),
                MediaSort::OldestFirst => expected.sort_by(|a, b| (&a.created_at, &a.id).cmp(&(&b.created_at, &b.id))),
                MediaSort::HighestRated => expected.sort_by_key(|m| std::cmp::Reverse(key(m))),
                MediaSort::LowestRated => expected.sort_by_key(key),
            }
            let ids = |list: &[ViewItem]| list.iter().map(|m| m.id.clone()).collect::<Vec<_>>();
            assert_eq!(ids(&walked), ids(&expected), "{filter:?} {sort:?}");
            let counted = filter.clone();
            let count = db.call_blocking(move |c| media_query::count(c, &counted)).unwrap();
            assert_eq!(count as usize, expected.len(), "count for {filter:?}");
        }
    }
}

#[test]
fn kept_counts_match_a_scan_through_inserts_culling_and_deletes() {
    let (_dir, db) = seeded(400);
    let check = |db: &Database, when: &str| {
        for filter in filters() {
            let shown = filter.clone();
            let (kept, scanned) = db
                .call_blocking(move |c| Ok((media_query::count(c, &filter)?, media_query::count_by_scan(c, &filter)?)))
                .unwrap();
            assert_eq!(kept, scanned, "{when}: {shown:?}");
        }
        let total = db.call_blocking(media::count_all).unwrap();
        let scanned = db
            .call_blocking(|c| media_query::count_by_scan(c, &MediaFilter::default()))
            .unwrap();
        assert_eq!(total, scanned, "{when}: total");
    };
    check(&db, "after inserts");

    let ids: Vec<MediaId> = db
        .call_blocking(|c| media_query::page(c, &MediaFilter::default(), MediaSort::NewestFirst, None, 400))
        .unwrap()
        .into_iter()
        .map(|m| m.id)
        .collect();
    let some = ids[..150].to_vec();
    db.call_blocking(move |c| {
        media::set_rating(c, &some, Rating::new(5).unwrap())?;
        media::set_status(c, &some[..70], Some(CullStatus::Rejected))?;
        media::set_status(c, &some[70..], None)?;
        // Setting the same values again must not count twice.
        media::set_rating(c, &some[..10], Rating::new(5).unwrap())?;
        Ok(())
    })
    .unwrap();
    check(&db, "after culling");

    let gone = ids[100..260].to_vec();
    db.call_blocking(move |c| media::delete(c, &gone)).unwrap();
    check(&db, "after deletes");
    assert_eq!(db.call_blocking(media::count_all).unwrap(), 240);
}

/// Binds a page statement's values through rusqlite (the grid's SQL is driver-neutral).
fn bind_all(statement: &mut rusqlite::Statement<'_>, binds: &[media_query::Bind]) {
    for (i, bind) in binds.iter().enumerate() {
        match bind {
            media_query::Bind::Text(t) => statement.raw_bind_parameter(i + 1, t),
            media_query::Bind::Int(n) => statement.raw_bind_parameter(i + 1, n),
            media_query::Bind::BigInt(n) => statement.raw_bind_parameter(i + 1, n),
        }
        .unwrap();
    }
}

/// A prepared page statement runs again with new values without SQLite parsing and planning
/// it anew. (A bound `LIMIT ?` did that on every run: SQLite re-plans for the bound limit.)
#[test]
fn page_statements_are_planned_once_and_reused_for_every_page() {
    let (dir, db) = seeded(50);
    drop(db);
    let conn = rusqlite::Connection::open(dir.path().join("d.db")).unwrap();
    let search = MediaFilter {
        min_rating: Rating::new(1).unwrap(),
        status: StatusFilter::All,
        search: media_query::SearchText::parse("1"),
        ..Default::default()
    };
    assert!(search.search.is_some());
    for filter in filters().into_iter().chain([search]) {
        for sort in MediaSort::ALL {
            let mut statements = 0;
            // Two cursors: the same text with different values, as paging down does.
            for (second, created) in [(10, "2026-01-01T00:00:10.000Z"), (20, "2026-01-01T00:00:20.000Z")] {
                let cursor = Cursor {
                    rating: Rating::new(second % 6).unwrap(),
                    created_at: Timestamp::parse(created).unwrap(),
                    id: MediaId::new(),
                };
                // A page after a cursor, the first page, and a page at an offset (a jump),
                // as `page_at_offset` writes it.
                let (first_sql, first_binds) = media_query::page_statement(&filter, sort, None, 7);
                let (mut offset_sql, mut offset_binds) = (first_sql.clone(), first_binds.clone());
                offset_sql.push_str(" OFFSET ?");
                offset_binds.push(media_query::Bind::BigInt(i64::from(second)));
                let pages = [
                    media_query::page_statement(&filter, sort, Some(&cursor), 7),
                    (first_sql, first_binds),
                    (offset_sql, offset_binds),
                ];
                for (sql, binds) in pages {
                    let mut statement = conn.prepare_cached(&sql).unwrap();
                    bind_all(&mut statement, &binds);
                    let mut rows = statement.raw_query();
                    while rows.next().unwrap().is_some() {}
                    drop(rows);
                    statements += 1;
                    assert_eq!(
                        statement.get_status(rusqlite::StatementStatus::RePrepare),
                        0,
                        "{filter:?} {sort:?}: run {statements} planned again: {sql}"
                    );
                }
            }
        }
    }
}
