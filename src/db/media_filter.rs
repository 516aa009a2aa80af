//! What a view of the library shows and in which order: the filter bar's rating, status and
//! search, and the sort. Plain values; media_query.rs turns them into SQL.

use super::collections::CollectionId;
use super::types::{CullStatus, Origin, Rating, Timestamp};
use super::view_item::ViewItem;

/// Which culling status the grid shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StatusFilter {
    #[default]
    All,
    Selected,
    Rejected,
    /// Neither selected nor rejected.
    Unmarked,
}

impl StatusFilter {
    pub const ALL: [StatusFilter; 4] = [
        StatusFilter::All,
        StatusFilter::Selected,
        StatusFilter::Rejected,
        StatusFilter::Unmarked,
    ];
}

/// What the grid shows: items rated at least `min_rating` with the given status, and when
/// searching, whose prompt or file name holds every searched word.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MediaFilter {
    pub min_rating: Rating,
    pub status: StatusFilter,
    pub search: Option<SearchText>,
    /// Only images carrying every one of these keywords (folded names: [`crate::db::keywords::Keyword::folded`]).
    pub keywords: Vec<String>,
    /// Only the images of this manual collection.
    pub collection: Option<CollectionId>,
    /// Only generated, or only imported, images.
    pub origin: Option<Origin>,
    /// Only images generated with this model (its name in `base_models`, or its file name).
    pub model: Option<String>,
    /// Only images created in this span.
    pub created: CreatedRange,
}

/// A span of creation times: from `from` (included) to `before` (excluded), either end open.
/// Instants in UTC; the services turn the user's local days into them.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CreatedRange {
    pub from: Option<Timestamp>,
    pub before: Option<Timestamp>,
}

impl CreatedRange {
    pub fn is_open(&self) -> bool {
        self.from.is_none() && self.before.is_none()
    }
}

/// Words searched for in prompts and file names (`media_search`, an FTS5 index). Each typed
/// word matches words that start with it, in any case and with or without accents; all
/// words must match.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchText {
    typed: String,
    fts_query: String,
}

impl SearchText {
    /// The search for `typed`, or `None` when it holds no word (blank, punctuation only).
    pub fn parse(typed: &str) -> Option<Self> {
        let words: Vec<String> = typed
            .split(|c: char| !c.is_alphanumeric())
            .filter(|word| !word.is_empty())
            .map(|word| format!("\"{word}\"*"))
            .collect();
        (!words.is_empty()).then(|| Self {
            typed: typed.trim().to_owned(),
            fts_query: words.join(" "),
        })
    }

    /// As the user typed it.
    pub fn typed(&self) -> &str {
        &self.typed
    }

    /// The FTS5 query the search index answers.
    pub(super) fn fts_query(&self) -> &str {
        &self.fts_query
    }
}

/// The grid's order. Ties are broken by creation time, then id, so the order is total.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MediaSort {
    #[default]
    NewestFirst,
    OldestFirst,
    HighestRated,
    LowestRated,
}

impl MediaSort {
    pub const ALL: [MediaSort; 4] = [
        MediaSort::NewestFirst,
        MediaSort::OldestFirst,
        MediaSort::HighestRated,
        MediaSort::LowestRated,
    ];

    pub(super) fn by_rating(self) -> bool {
        matches!(self, MediaSort::HighestRated | MediaSort::LowestRated)
    }

    pub(super) fn descending(self) -> bool {
        matches!(self, MediaSort::NewestFirst | MediaSort::HighestRated)
    }
}

impl MediaFilter {
    /// Whether the filter narrows by something the kept per-rating-and-status counts know
    /// nothing of (where the image came from, its model, its date).
    pub(super) fn narrows_by_origin_model_or_date(&self) -> bool {
        self.origin.is_some() || self.model.is_some() || !self.created.is_open()
    }

    /// Whether `item` belongs to the view (the same test as the SQL, except the search, which
    /// an item's rating or status cannot change).
    pub fn matches(&self, item: &ViewItem) -> bool {
        let status_ok = match self.status {
            StatusFilter::All => true,
            StatusFilter::Selected => item.status == Some(CullStatus::Selected),
            StatusFilter::Rejected => item.status == Some(CullStatus::Rejected),
            StatusFilter::Unmarked => item.status.is_none(),
        };
        status_ok && item.rating >= self.min_rating
    }
}
