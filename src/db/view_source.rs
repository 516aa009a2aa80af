//! Which table a view of the library reads: `media` for the whole library, or
//! `media_keywords` for the images of a keyword. Both carry the grid's columns and sort keys,
//! so media_query.rs writes one query shape over either.

use super::media_filter::MediaFilter;
use super::view_item::view_columns;

/// Where a view's rows come from: the whole library (`media`, along its indexes), or, when
/// the filter names keywords, the first keyword's images (`media_keywords`, which carries
/// each image's sort keys and status, along that keyword's indexes). Either way a page reads
/// only rows of the view, in index order, without sorting.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Source {
    Library,
    Keyword,
}

impl Source {
    pub(super) fn of(filter: &MediaFilter) -> Self {
        if filter.keywords.is_empty() {
            Source::Library
        } else {
            Source::Keyword
        }
    }

    pub(super) fn table(self) -> &'static str {
        match self {
            Source::Library => "media",
            Source::Keyword => "media_keywords",
        }
    }

    /// The column holding the item's id.
    pub(super) fn id(self) -> &'static str {
        match self {
            Source::Library => "id",
            Source::Keyword => "media_id",
        }
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
        Source::Keyword => "+media_id NOT IN (SELECT m.id FROM stack_hidden h JOIN media m ON m.rowid = h.rowid)",
    }
}

/// The keyword whose folded name is bound, as an id (NULL when the library has none: the
/// view is then empty).
pub(super) const KEYWORD_ID: &str = "(SELECT id FROM keywords WHERE folded = ?)";
