//! Listing the catalogue as the grid shows it: the same filters (rating, status, search,
//! keywords, origin, model, dates, a collection), the same orders, plus by file name, with
//! what a script needs of each item.

use super::collections::{CollectionProblem, find as find_collection, scope_of};
use super::saved_filter::{BadFilter, SavedFilter, both};
use crate::db::collections::CollectionName;
use crate::db::media_query::{self, MediaFilter, MediaSort};
use crate::db::types::CullStatus;
use crate::db::{DbError, generations, media};
use crate::library::LibraryRoot;
use diesel::SqliteConnection;
use std::path::PathBuf;

/// The orders a listing can have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ListOrder {
    #[default]
    Newest,
    Oldest,
    /// Highest rated first (then newest), as the grid's "Rating".
    Rating,
    /// By file name, A to Z.
    Name,
}

/// Which items: a filter, inside a collection when one is named.
#[derive(Debug, Clone, Default)]
pub struct ViewQuery {
    pub filter: SavedFilter,
    /// A collection's name (ignoring case): its images, or its smart filter's matches.
    pub collection: Option<String>,
}

/// What to list.
#[derive(Debug, Clone, Default)]
pub struct ListQuery {
    pub view: ViewQuery,
    pub order: ListOrder,
    pub limit: Option<usize>,
}

/// Why a query cannot be answered: named in words for the person who typed it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QueryProblem {
    #[error(transparent)]
    Collection(#[from] CollectionProblem),
    #[error(transparent)]
    Filter(#[from] BadFilter),
    #[error("{0}")]
    Name(String),
}

/// The database filter `view` means now.
pub fn resolve(conn: &mut SqliteConnection, view: &ViewQuery) -> Result<Result<MediaFilter, QueryProblem>, DbError> {
    let typed = match view.filter.to_filter() {
        Ok(filter) => filter,
        Err(problem) => return Ok(Err(problem.into())),
    };
    let Some(name) = &view.collection else {
        return Ok(Ok(typed));
    };
    let name = match CollectionName::parse(name) {
        Ok(name) => name,
        Err(problem) => return Ok(Err(QueryProblem::Name(problem.to_string()))),
    };
    let row = match find_collection(conn, &name)? {
        Ok(row) => row,
        Err(problem) => return Ok(Err(problem.into())),
    };
    Ok(scope_of(conn, &row)?
        .map(|scope| both(&scope, &typed))
        .map_err(QueryProblem::from))
}

/// One listed item.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Listed {
    pub id: String,
    /// Absolute path of the original.
    pub path: PathBuf,
    pub file_name: String,
    pub rating: u8,
    /// "selected", "rejected" or null.
    pub status: Option<&'static str>,
    /// The generation's prompt, for generated images and imports that carried one.
    pub prompt: Option<String>,
    pub created_at: String,
    /// The colour label ("Red"), or null.
    pub label: Option<String>,
}

/// The items `query` selects, in its order, read in one snapshot.
pub fn list(
    conn: &mut SqliteConnection,
    library: &LibraryRoot,
    query: &ListQuery,
) -> Result<Result<Vec<Listed>, QueryProblem>, DbError> {
    let filter = match resolve(conn, &query.view)? {
        Ok(filter) => filter,
        Err(problem) => return Ok(Err(problem)),
    };
    let sort = match query.order {
        ListOrder::Oldest => MediaSort::OldestFirst,
        ListOrder::Rating => MediaSort::HighestRated,
        ListOrder::Newest | ListOrder::Name => MediaSort::NewestFirst,
    };
    // By name needs the whole view before the limit; the grid's orders page in SQL.
    let take = match query.order {
        ListOrder::Name => u32::MAX,
        _ => query
            .limit
            .map_or(u32::MAX, |limit| limit.min(u32::MAX as usize) as u32),
    };
    crate::db::transaction::read(conn, |conn| {
        let view = media_query::page(conn, &filter, sort, None, take)?;
        let ids: Vec<_> = view.iter().map(|item| item.id.clone()).collect();
        let mut rows = media::get_many(conn, &ids)?;
        let mut labels: std::collections::HashMap<_, _> =
            crate::db::labels::of_items(conn, &ids)?.into_iter().collect();
        // get_many has no order: put the rows back in the view's.
        let position: std::collections::HashMap<_, _> = ids.iter().enumerate().map(|(i, id)| (id.clone(), i)).collect();
        rows.sort_by_key(|row| position.get(&row.id).copied().unwrap_or(usize::MAX));
        let mut listed = Vec::with_capacity(rows.len());
        for row in rows {
            let prompt = match &row.generation_id {
                Some(generation) => generations::get(conn, generation)?.and_then(|g| g.prompt),
                None => None,
            };
            listed.push(Listed {
                id: row.id.to_string(),
                path: library.path().join(&row.file_path),
                file_name: row.file_name,
                rating: row.rating.stars(),
                status: row.status.map(|status| match status {
                    CullStatus::Selected => "selected",
                    CullStatus::Rejected => "rejected",
                }),
                prompt,
                created_at: row.created_at.as_str().to_owned(),
                label: labels.remove(&row.id),
            });
        }
        if query.order == ListOrder::Name {
            listed.sort_by(|a, b| {
                a.file_name
                    .to_lowercase()
                    .cmp(&b.file_name.to_lowercase())
                    .then_with(|| a.id.cmp(&b.id))
            });
            if let Some(limit) = query.limit {
                listed.truncate(limit);
            }
        }
        Ok(Ok(listed))
    })
}

/// An order as written on the command line.
pub fn parse_order(text: &str) -> Result<ListOrder, String> {
    match text.trim().to_ascii_lowercase().as_str() {
        "newest" => Ok(ListOrder::Newest),
        "oldest" => Ok(ListOrder::Oldest),
        "rating" => Ok(ListOrder::Rating),
        "name" => Ok(ListOrder::Name),
        other => Err(format!("'{other}' is not an order: use newest, oldest, rating or name")),
    }
}
