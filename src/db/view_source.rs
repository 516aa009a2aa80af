//! Which table a view of the library reads: `media` for the whole library, `media_keywords`
//! for the images of a keyword, or `collection_media` for a manual collection's. All carry the
//! grid's columns and sort keys, so media_query.rs writes one query shape over any of them.

use super::media_filter::MediaFilter;
use super::view_item::view_columns;

/// Where a view's rows come from: the whole library (`media`, along its indexes); when the
/// filter names a manual collection, its images (`collection_media`); else, when it names
/// keywords, the first keyword's images (`media_keywords`). The last two carry each image's
/// sort keys and status, along the collection's or keyword's own indexes. Either way a page
/// reads only rows of the view, in index order, without sorting.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Source {
    Library,
    Keyword,
    Collection,
}

impl Source {
    pub(super) fn of(filter: &MediaFilter) -> Self {
        if filter.collection.is_some() {
            Source::Collection
        } else if !filter.keywords.is_empty() {
            Source::Keyword
        } else {
            Source::Library
        }
    }

    pub(super) fn table(self) -> &'static str {
        match self {
            Source::Library => "media",
            Source::Keyword => "media_keywords",
            Source::Collection => "collection_media",
        }
    }

    /// The column holding the item's id.
    pub(super) fn id(self) -> &'static str {
        match self {
            Source::Library => "id",
            Source::Keyword | Source::Collection => "media_id",
        }
    }

    /// Whether rows come from a list of members (a keyword's or collection's images) rather
    /// than from `media` itself.
    pub(super) fn is_members(self) -> bool {
        self != Source::Library
    }

    /// The columns of a [`ViewItem`], in its field order.
    pub(super) fn columns(self) -> String {
        view_columns(self.id())
    }
}

/// The grid hides every image of a collapsed stack but its first. Written `+rowid` like the
/// search, so SQLite keeps walking the index that serves the order and tests each entry
/// against the hidden rows (an empty list when no stack is collapsed).
pub(super) fn not_hidden(source: Source) -> &'static str {
    match source {
        Source::Library => "+rowid NOT IN (SELECT rowid FROM stack_hidden)",
        Source::Keyword | Source::Collection => {
            "+media_id NOT IN (SELECT m.id FROM stack_hidden h JOIN media m ON m.rowid = h.rowid)"
        }
    }
}

/// The keyword whose folded name is bound, as an id (NULL when the library has none: the
/// view is then empty).
pub(super) const KEYWORD_ID: &str = "(SELECT id FROM keywords WHERE folded = ?)";

/// `filter` with its rarest keyword first, so that a view of several keywords walks the
/// fewest rows: "harbour" (300,000 images) and "boat" (50,000) is read along "boat" and
/// tested for "harbour". A keyword the library does not have counts as rarest (the view is
/// then empty at once).
pub(super) fn rarest_keyword_first<'a>(
    conn: &mut diesel::SqliteConnection,
    filter: &'a MediaFilter,
) -> Result<std::borrow::Cow<'a, MediaFilter>, super::DbError> {
    use super::schema::keywords;
    use diesel::prelude::*;
    if filter.keywords.len() < 2 || filter.collection.is_some() {
        return Ok(std::borrow::Cow::Borrowed(filter));
    }
    let counts: Vec<(String, i64)> = keywords::table
        .filter(keywords::folded.eq_any(&filter.keywords))
        .select((keywords::folded, keywords::n))
        .load(conn)?;
    let images = |keyword: &String| counts.iter().find(|(k, _)| k == keyword).map_or(0, |(_, n)| *n);
    let mut sorted = filter.keywords.clone();
    sorted.sort_by_key(images);
    if sorted == filter.keywords {
        return Ok(std::borrow::Cow::Borrowed(filter));
    }
    Ok(std::borrow::Cow::Owned(MediaFilter {
        keywords: sorted,
        ..filter.clone()
    }))
}
