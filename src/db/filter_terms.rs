//! A filter as SQL terms over a view's source table (see view_source.rs). Each term is
//! written so that SQLite keeps walking the index that serves the sort and tests each entry,
//! instead of choosing an index for the filter and then sorting: tests/library/db_query_plans.rs
//! checks every filter and sort with EXPLAIN QUERY PLAN.

use super::media_filter::{MediaFilter, MediaSort, StatusFilter};
use super::prepared::Bind;
use super::types::Rating;
use super::view_source::{KEYWORD_ID, Source};

/// The filter's own terms (without the rows collapsed stacks hide). For date sorts the
/// rating test is written `+rating` so that SQLite does not pick a rating index and then
/// sort; the date index serves the order instead. Likewise `+created_at` for rating sorts.
pub(super) fn filter_terms(filter: &MediaFilter, sort: MediaSort, binds: &mut Vec<Bind>) -> Vec<String> {
    let source = Source::of(filter);
    let mut terms = Vec::new();
    membership_terms(filter, source, &mut terms, binds);
    match filter.status {
        StatusFilter::All => {}
        StatusFilter::Selected => terms.push("status = 'selected'".to_owned()),
        StatusFilter::Rejected => terms.push("status = 'rejected'".to_owned()),
        StatusFilter::Unmarked => terms.push("status IS NULL".to_owned()),
    }
    if let Some(search) = &filter.search {
        // `+rowid` keeps SQLite walking the index that serves the order, testing each entry
        // against the matches (every index holds the rowid, so no visit to the table). Left
        // to itself it fetches each match by rowid and sorts them: on 100,000 items 5–10×
        // slower for a search matching many (benches/search.rs), faster only for one
        // matching almost none, where the walk still ends within a few milliseconds.
        terms.push(if source.is_members() {
            "+media_id IN (SELECT m.id FROM media m WHERE m.rowid IN \
                 (SELECT rowid FROM media_search WHERE media_search MATCH ?))"
                .to_owned()
        } else {
            "+rowid IN (SELECT rowid FROM media_search WHERE media_search MATCH ?)".to_owned()
        });
        binds.push(Bind::Text(search.fts_query().to_owned()));
    }
    if filter.min_rating == Rating::MAX {
        // "5 stars and up" is "exactly 5": an equality lets the (status,) rating, created_at
        // index serve both the filter and the date order, reading only matching rows.
        terms.push("rating = ?".to_owned());
        binds.push(Bind::Int(i32::from(filter.min_rating.stars())));
    } else if filter.min_rating > Rating::UNRATED {
        let column = if sort.by_rating() { "rating" } else { "+rating" };
        terms.push(format!("{column} >= ?"));
        binds.push(Bind::Int(i32::from(filter.min_rating.stars())));
    }
    date_terms(filter, sort, &mut terms, binds);
    origin_and_model_terms(filter, source, &mut terms, binds);
    terms
}

/// The keyword and collection tests: the source table's own key for the first (a keyword's
/// or collection's rows), a lookup in `media_keywords` for each further keyword.
fn membership_terms(filter: &MediaFilter, source: Source, terms: &mut Vec<String>, binds: &mut Vec<Bind>) {
    let mut keywords = filter.keywords.iter();
    match source {
        Source::Library => {}
        Source::Collection => {
            terms.push("collection_id = ?".to_owned());
            binds.push(Bind::Int(filter.collection.map_or(0, |id| id.0)));
        }
        Source::Keyword => {
            if let Some(first) = keywords.next() {
                terms.push(format!("keyword_id = {KEYWORD_ID}"));
                binds.push(Bind::Text(first.clone()));
            }
        }
    }
    let table = source.table();
    for other in keywords {
        terms.push(format!(
            "EXISTS (SELECT 1 FROM media_keywords o WHERE o.keyword_id = {KEYWORD_ID} AND o.media_id = {table}.media_id)"
        ));
        binds.push(Bind::Text(other.clone()));
    }
}

/// The creation span. For rating sorts written `+created_at`, so a range does not tempt
/// SQLite onto the date index (which would then need a sort by rating).
fn date_terms(filter: &MediaFilter, sort: MediaSort, terms: &mut Vec<String>, binds: &mut Vec<Bind>) {
    let column = if sort.by_rating() { "+created_at" } else { "created_at" };
    if let Some(from) = &filter.created.from {
        terms.push(format!("{column} >= ?"));
        binds.push(Bind::Text(from.as_str().to_owned()));
    }
    if let Some(before) = &filter.created.before {
        terms.push(format!("{column} < ?"));
        binds.push(Bind::Text(before.as_str().to_owned()));
    }
}

/// Where the image came from and which model made it: columns of `media` (and, for the
/// model, of its generation), so a member table looks its image up by id.
fn origin_and_model_terms(filter: &MediaFilter, source: Source, terms: &mut Vec<String>, binds: &mut Vec<Bind>) {
    const MODEL_GENERATIONS: &str = "(SELECT g.id FROM generations g LEFT JOIN base_models b ON b.id = g.base_model_id \
         WHERE coalesce(b.name, g.model_file) = ? COLLATE NOCASE)";
    let mut media_terms = Vec::new();
    let prefix = if source.is_members() { "m." } else { "+" };
    if let Some(origin) = filter.origin {
        media_terms.push(format!("{prefix}origin = ?"));
        binds.push(Bind::Text(origin.as_str().to_owned()));
    }
    if let Some(model) = &filter.model {
        media_terms.push(format!("{prefix}generation_id IN {MODEL_GENERATIONS}"));
        binds.push(Bind::Text(model.clone()));
    }
    if media_terms.is_empty() {
        return;
    }
    if source.is_members() {
        let table = source.table();
        terms.push(format!(
            "EXISTS (SELECT 1 FROM media m WHERE m.id = {table}.media_id AND {})",
            media_terms.join(" AND ")
        ));
    } else {
        terms.extend(media_terms);
    }
}
