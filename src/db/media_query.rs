//! The library grid's queries: filter by rating and status, sort by date or rating, and page
//! by keyset (the last row's sort key), which stays fast at any depth, unlike OFFSET.
//!
//! The SQL is written out rather than built with the DSL because its shape decides which
//! index SQLite uses; tests/library/db_query_plans.rs checks every filter x sort with EXPLAIN QUERY PLAN.

use super::DbError;
use super::filter_terms::filter_terms;
pub use super::media_filter::{CreatedRange, MediaFilter, MediaSort, SearchText, StatusFilter};
pub use super::prepared::Bind;
use super::prepared::Sql;
use super::types::{MediaId, Rating};
use super::view_item::ViewRow;
pub use super::view_item::{Cursor, ViewItem};
use super::view_source::{KEYWORD_ID, Source, not_hidden, rarest_keyword_first};
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Integer, Text};

/// Builds the WHERE clause: the filter's terms, and the rows collapsed stacks hide.
fn where_clause(filter: &MediaFilter, sort: MediaSort, binds: &mut Vec<Bind>) -> Vec<String> {
    let mut terms = filter_terms(filter, sort, binds);
    terms.push(not_hidden(Source::of(filter)).to_owned());
    terms
}

/// " WHERE a AND b", or nothing when there are no terms.
fn where_sql(terms: &[String]) -> String {
    if terms.is_empty() {
        String::new()
    } else {
        format!(" WHERE {}", terms.join(" AND "))
    }
}

/// "(sort key) <op> (the cursor's key)", binding the cursor: the keyset test that pages
/// continue from, and that counts what comes before an item.
fn sort_key_compared(source: Source, sort: MediaSort, op: &str, cursor: &Cursor, binds: &mut Vec<Bind>) -> String {
    let id = source.id();
    let term = if sort.by_rating() {
        binds.push(Bind::Int(i32::from(cursor.rating.stars())));
        format!("(rating, created_at, {id}) {op} (?, ?, ?)")
    } else {
        format!("(created_at, {id}) {op} (?, ?)")
    };
    binds.push(Bind::Text(cursor.created_at.as_str().to_owned()));
    binds.push(Bind::Text(cursor.id.as_str().to_owned()));
    term
}

fn page_sql(filter: &MediaFilter, sort: MediaSort, after: Option<&Cursor>, limit: u32) -> Sql {
    let source = Source::of(filter);
    let mut binds = Vec::new();
    let mut terms = where_clause(filter, sort, &mut binds);
    let (less_or_more, direction) = if sort.descending() { ("<", "DESC") } else { (">", "ASC") };
    if let Some(cursor) = after {
        terms.push(sort_key_compared(source, sort, less_or_more, cursor, &mut binds));
    }
    let id = source.id();
    let order = if sort.by_rating() {
        format!("rating {direction}, created_at {direction}, {id} {direction}")
    } else {
        format!("created_at {direction}, {id} {direction}")
    };
    let filter_sql = where_sql(&terms);
    // The limit is written into the text, not bound: SQLite re-plans a statement whose LIMIT
    // is a bound value every time it is bound again (it optimises for the value), so each page
    // would be parsed and planned anew: about a fifth of a page's time. The app asks for a page
    // size or for everything, so this adds no statement texts worth mentioning.
    Sql {
        text: format!(
            "SELECT {} FROM {}{filter_sql} ORDER BY {order} LIMIT {limit}",
            source.columns(),
            source.table()
        ),
        binds,
    }
}

/// The SQL text and bound values [`page`] runs, for comparing drivers in benchmarks.
pub fn page_statement(
    filter: &MediaFilter,
    sort: MediaSort,
    after: Option<&Cursor>,
    limit: u32,
) -> (String, Vec<Bind>) {
    let sql = page_sql(filter, sort, after, limit);
    (sql.text, sql.binds)
}

/// Up to `limit` items starting at position `offset` of the view. For jumps (a scrollbar
/// drag to the middle), where no neighbouring page is known to continue from; paging on from
/// a known item uses [`page`], which stays fast at any depth.
pub fn page_at_offset(
    conn: &mut SqliteConnection,
    filter: &MediaFilter,
    sort: MediaSort,
    offset: u64,
    limit: u32,
) -> Result<Vec<ViewItem>, DbError> {
    let filter = &*rarest_keyword_first(conn, filter)?;
    let mut sql = page_sql(filter, sort, None, limit);
    sql.text.push_str(" OFFSET ?");
    sql.binds.push(Bind::BigInt(i64::try_from(offset).unwrap_or(i64::MAX)));
    Ok(sql.rows::<ViewRow>().load::<ViewItem>(conn)?)
}

/// One page of the grid: up to `limit` items after `after` (or from the start).
pub fn page(
    conn: &mut SqliteConnection,
    filter: &MediaFilter,
    sort: MediaSort,
    after: Option<&Cursor>,
    limit: u32,
) -> Result<Vec<ViewItem>, DbError> {
    let filter = &*rarest_keyword_first(conn, filter)?;
    Ok(page_sql(filter, sort, after, limit)
        .rows::<ViewRow>()
        .load::<ViewItem>(conn)?)
}

/// How many items match `filter` (the "342 images" of the count bar): a sum over the
/// per-rating-and-status counts the triggers keep (at most 18 rows whatever the library
/// size), less the matching images that collapsed stacks hide.
///
/// Origin, model and date are not in those counts: a view narrowed by them is counted along
/// the index its pages walk (as long as the view when the date narrows it, up to the
/// library's length otherwise).
pub fn count(conn: &mut SqliteConnection, filter: &MediaFilter) -> Result<i64, DbError> {
    let filter = &*rarest_keyword_first(conn, filter)?;
    if Source::of(filter).is_members() {
        return count_member_view(conn, filter);
    }
    if filter.narrows_by_origin_model_or_date() {
        return scan_count(conn, filter);
    }
    Ok(count_with_hidden(conn, filter)? - count_hidden(conn, filter)?)
}

/// A keyword's or collection's view: summed from the kept per-rating-and-status counts when
/// only rating and status narrow it, otherwise counted along its own index (as long as the
/// view, not the library).
fn count_member_view(conn: &mut SqliteConnection, filter: &MediaFilter) -> Result<i64, DbError> {
    let source = Source::of(filter);
    let keywords_beyond_the_source = if source == Source::Keyword { 1 } else { 0 };
    let narrowed = filter.keywords.len() > keywords_beyond_the_source
        || filter.search.is_some()
        || filter.narrows_by_origin_model_or_date()
        || super::stacks::any_collapsed(conn)?;
    if narrowed {
        return scan_count(conn, filter);
    }
    let (kind, owner) = match filter.collection {
        Some(_) => ("collection", "?"),
        None => ("keyword", KEYWORD_ID),
    };
    let mut binds = vec![match filter.collection {
        Some(collection) => Bind::Int(collection.0),
        None => Bind::Text(filter.keywords[0].clone()),
    }];
    let status = match filter.status {
        StatusFilter::All => "",
        StatusFilter::Selected => " AND status = 'selected'",
        StatusFilter::Rejected => " AND status = 'rejected'",
        StatusFilter::Unmarked => " AND status = ''",
    };
    binds.push(Bind::Int(i32::from(filter.min_rating.stars())));
    let sql = Sql {
        text: format!(
            "SELECT coalesce(sum(n), 0) FROM member_counts WHERE kind = '{kind}' AND owner = {owner} AND rating >= ?{status}"
        ),
        binds,
    };
    Ok(sql.rows::<BigInt>().get_result::<i64>(conn)?)
}

/// The matching images collapsed stacks hide: nothing to count (one lookup) when no stack
/// is collapsed; otherwise the hidden rows are walked and each tested against the filter
/// (CROSS JOIN keeps SQLite from scanning the library by the filter's index instead).
fn count_hidden(conn: &mut SqliteConnection, filter: &MediaFilter) -> Result<i64, DbError> {
    if !super::stacks::any_collapsed(conn)? {
        return Ok(0);
    }
    let mut binds = Vec::new();
    let mut terms = filter_terms(filter, MediaSort::HighestRated, &mut binds);
    terms.push("media.rowid = hidden.hidden_row".to_owned());
    let sql = Sql {
        text: format!(
            "SELECT count(*) FROM (SELECT rowid AS hidden_row FROM stack_hidden) AS hidden CROSS JOIN media{}",
            where_sql(&terms)
        ),
        binds,
    };
    Ok(sql.rows::<BigInt>().get_result::<i64>(conn)?)
}

/// [`count`] including the images collapsed stacks hide.
fn count_with_hidden(conn: &mut SqliteConnection, filter: &MediaFilter) -> Result<i64, DbError> {
    if let Some(search) = &filter.search {
        // The kept counts know nothing of prompts. The search index has one row per item,
        // so with no other filter it counts the matches itself (about 1 ms on 100,000).
        if filter.min_rating == Rating::UNRATED && filter.status == StatusFilter::All {
            let sql = Sql {
                text: "SELECT count(*) FROM media_search WHERE media_search MATCH ?".to_owned(),
                binds: vec![Bind::Text(search.fts_query().to_owned())],
            };
            return Ok(sql.rows::<BigInt>().get_result::<i64>(conn)?);
        }
        let mut binds = Vec::new();
        let terms = filter_terms(filter, MediaSort::HighestRated, &mut binds);
        let sql = Sql {
            text: format!("SELECT count(*) FROM media{}", where_sql(&terms)),
            binds,
        };
        return Ok(sql.rows::<BigInt>().get_result::<i64>(conn)?);
    }
    let status = match filter.status {
        StatusFilter::All => "",
        StatusFilter::Selected => " AND status = 'selected'",
        StatusFilter::Rejected => " AND status = 'rejected'",
        StatusFilter::Unmarked => " AND status = ''",
    };
    let sql = Sql {
        text: format!("SELECT coalesce(sum(n), 0) FROM media_counts WHERE rating >= ?{status}"),
        binds: vec![Bind::Int(i32::from(filter.min_rating.stars()))],
    };
    Ok(sql.rows::<BigInt>().get_result::<i64>(conn)?)
}

/// What a view of the library shows at one moment: the library's size, how many items
/// match, and the first `first_page` of them, all read from one snapshot so the count and the
/// page can never disagree (an import committing between them would make them).
#[derive(Debug, Clone)]
pub struct ViewSnapshot {
    pub total: i64,
    pub filtered: i64,
    pub first_page: Vec<ViewItem>,
}

pub fn view_snapshot(
    conn: &mut SqliteConnection,
    filter: &MediaFilter,
    sort: MediaSort,
    first_page: u32,
) -> Result<ViewSnapshot, DbError> {
    super::transaction::read(conn, |conn| {
        Ok(ViewSnapshot {
            total: super::media::count_all(conn)?,
            filtered: count(conn, filter)?,
            first_page: page_at_offset(conn, filter, sort, 0, first_page)?,
        })
    })
}

/// The same count by scanning `media` (to check the kept counts against).
pub fn count_by_scan(conn: &mut SqliteConnection, filter: &MediaFilter) -> Result<i64, DbError> {
    let filter = &*rarest_keyword_first(conn, filter)?;
    scan_count(conn, filter)
}

/// [`count_by_scan`] of a filter whose keywords [`count`] has already put rarest first.
fn scan_count(conn: &mut SqliteConnection, filter: &MediaFilter) -> Result<i64, DbError> {
    let mut binds = Vec::new();
    let terms = where_clause(filter, MediaSort::HighestRated, &mut binds);
    let filter_sql = where_sql(&terms);
    let sql = Sql {
        text: format!("SELECT count(*) FROM {}{filter_sql}", Source::of(filter).table()),
        binds,
    };
    Ok(sql.rows::<BigInt>().get_result::<i64>(conn)?)
}

/// Where the item `id` stands in the view now (how many items come before it), or `None`
/// if it is not in the view. Counts along the index that serves the sort.
pub fn position(
    conn: &mut SqliteConnection,
    filter: &MediaFilter,
    sort: MediaSort,
    id: &MediaId,
) -> Result<Option<u64>, DbError> {
    let filter = &*rarest_keyword_first(conn, filter)?;
    let Some(item) = super::media::get(conn, id)? else {
        return Ok(None);
    };
    let item = ViewItem::from(&item);
    if !filter.matches(&item) || super::stacks::is_hidden(conn, id)? {
        return Ok(None);
    }
    let source = Source::of(filter);
    let mut binds = Vec::new();
    let mut terms = where_clause(filter, sort, &mut binds);
    if source.is_members() || filter.narrows_by_origin_model_or_date() {
        // Whether the item is in the view's keyword or collection and matches the rest of
        // the filter (its rating and status were tested above).
        let mut member = terms.clone();
        let mut member_binds = binds.clone();
        member.push(format!("{} = ?", source.id()));
        member_binds.push(Bind::Text(id.as_str().to_owned()));
        let sql = Sql {
            text: format!("SELECT count(*) FROM {} WHERE {}", source.table(), member.join(" AND ")),
            binds: member_binds,
        };
        if sql.rows::<BigInt>().get_result::<i64>(conn)? == 0 {
            return Ok(None);
        }
    }
    let before = if sort.descending() { ">" } else { "<" };
    terms.push(sort_key_compared(
        source,
        sort,
        before,
        &Cursor::after(&item),
        &mut binds,
    ));
    let sql = Sql {
        text: format!("SELECT count(*) FROM {} WHERE {}", source.table(), terms.join(" AND ")),
        binds,
    };
    Ok(Some(sql.rows::<BigInt>().get_result::<i64>(conn)? as u64))
}

/// SQLite's plan for [`page`], one line per step, for tests and diagnostics.
pub fn page_plan(
    conn: &mut SqliteConnection,
    filter: &MediaFilter,
    sort: MediaSort,
    after: Option<&Cursor>,
) -> Result<Vec<String>, DbError> {
    let filter = &*rarest_keyword_first(conn, filter)?;
    let mut sql = page_sql(filter, sort, after, 200);
    sql.text = format!("EXPLAIN QUERY PLAN {}", sql.text);
    // Rows of (id, parent, unused, detail).
    let steps = sql
        .rows::<(Integer, Integer, Integer, Text)>()
        .load::<(i32, i32, i32, String)>(conn)?;
    Ok(steps.into_iter().map(|(_, _, _, detail)| detail).collect())
}
