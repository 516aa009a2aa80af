//! A filter as the user sets it (the filter bar and the search) in a form that can be saved
//! as JSON, as smart collections are, and turned into the database's [`MediaFilter`]. Days
//! are the user's local days; they become UTC instants only when the filter is applied, so a
//! saved "December 3rd" still means December 3rd after a change of time zone.

use crate::db::collections::CollectionId;
use crate::db::keywords::Keyword;
use crate::db::media_query::{CreatedRange, MediaFilter, SearchText, StatusFilter};
use crate::db::types::{Origin, Rating, Timestamp};
use serde::{Deserialize, Serialize};

/// The filter bar and search as saved. Unknown fields are ignored and missing ones take
/// their defaults, so filters saved by other versions still open.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct SavedFilter {
    /// 0 (any) to 5.
    pub min_rating: u8,
    pub status: SavedStatus,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub search: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub keywords: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub collection: Option<CollectionId>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub origin: Option<SavedOrigin>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// First day shown, `YYYY-MM-DD`, local.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// Last day shown (included), `YYYY-MM-DD`, local.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SavedStatus {
    #[default]
    All,
    Selected,
    Rejected,
    Unmarked,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SavedOrigin {
    Generated,
    Imported,
}

/// Why a saved or typed filter cannot be applied.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BadFilter {
    #[error("“{0}” is not a day: write it as YYYY-MM-DD, e.g. 2026-12-03")]
    Day(String),
    #[error("the range ends ({to}) before it starts ({from})")]
    BackwardsRange { from: String, to: String },
    #[error("a rating is 0 to 5 stars, not {0}")]
    Rating(u8),
    #[error("a saved filter cannot be read: {0}")]
    Json(String),
    #[error("the collection it was saved within has been deleted")]
    CollectionGone,
}

impl SavedFilter {
    pub fn from_json(json: &str) -> Result<Self, BadFilter> {
        serde_json::from_str(json).map_err(|e| BadFilter::Json(e.to_string()))
    }

    pub fn to_json(&self) -> String {
        // A struct of strings, numbers and lists always serialises.
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The database filter this means now, with days read in `zone`.
    pub fn to_filter_in(&self, zone: &jiff::tz::TimeZone) -> Result<MediaFilter, BadFilter> {
        let from = self.from.as_deref().map(parse_day).transpose()?;
        let to = self.to.as_deref().map(parse_day).transpose()?;
        if let (Some(from), Some(to)) = (from, to)
            && to < from
        {
            return Err(BadFilter::BackwardsRange {
                from: from.to_string(),
                to: to.to_string(),
            });
        }
        Ok(MediaFilter {
            min_rating: Rating::new(self.min_rating).ok_or(BadFilter::Rating(self.min_rating))?,
            status: match self.status {
                SavedStatus::All => StatusFilter::All,
                SavedStatus::Selected => StatusFilter::Selected,
                SavedStatus::Rejected => StatusFilter::Rejected,
                SavedStatus::Unmarked => StatusFilter::Unmarked,
            },
            search: self.search.as_deref().and_then(SearchText::parse),
            keywords: self
                .keywords
                .iter()
                .filter_map(|typed| Keyword::parse(typed).ok())
                .map(|keyword| keyword.folded().to_owned())
                .collect(),
            collection: self.collection,
            origin: self.origin.map(|origin| match origin {
                SavedOrigin::Generated => Origin::Generation,
                SavedOrigin::Imported => Origin::Import,
            }),
            model: self.model.clone().filter(|model| !model.trim().is_empty()),
            created: CreatedRange {
                from: from.map(|day| start_of(day, zone)),
                before: to.and_then(|day| day.tomorrow().ok()).map(|day| start_of(day, zone)),
            },
        })
    }

    /// [`Self::to_filter_in`] the local time zone (read once per process).
    pub fn to_filter(&self) -> Result<MediaFilter, BadFilter> {
        self.to_filter_in(crate::format::local_zone().unwrap_or(&jiff::tz::TimeZone::UTC))
    }
}

/// A day typed as `YYYY-MM-DD`.
pub fn parse_day(typed: &str) -> Result<jiff::civil::Date, BadFilter> {
    let typed = typed.trim();
    let strict = typed.len() == 10 && typed.as_bytes()[4] == b'-' && typed.as_bytes()[7] == b'-';
    typed
        .parse::<jiff::civil::Date>()
        .ok()
        .filter(|_| strict)
        .ok_or_else(|| BadFilter::Day(typed.to_owned()))
}

/// The first instant of `day` in `zone` (its midnight, or the first time after a gap).
fn start_of(day: jiff::civil::Date, zone: &jiff::tz::TimeZone) -> Timestamp {
    let instant = day
        .to_zoned(zone.clone())
        .map(|zoned| zoned.timestamp())
        .unwrap_or(jiff::Timestamp::UNIX_EPOCH);
    let at = time::OffsetDateTime::from_unix_timestamp(instant.as_second()).unwrap_or(time::OffsetDateTime::UNIX_EPOCH);
    Timestamp::from_datetime(at)
}

/// Both filters at once: what a smart collection shows once the filter bar narrows it further.
/// Ratings take the higher bar, dates the narrower span, searches and keywords all their
/// words; for a status, origin, model or collection the narrower one (`extra`'s when both
/// name one).
pub fn both(base: &MediaFilter, extra: &MediaFilter) -> MediaFilter {
    let search = match (&base.search, &extra.search) {
        (Some(a), Some(b)) => SearchText::parse(&format!("{} {}", a.typed(), b.typed())),
        (a, b) => a.clone().or_else(|| b.clone()),
    };
    let mut keywords = base.keywords.clone();
    for keyword in &extra.keywords {
        if !keywords.contains(keyword) {
            keywords.push(keyword.clone());
        }
    }
    MediaFilter {
        min_rating: base.min_rating.max(extra.min_rating),
        status: if extra.status == StatusFilter::All {
            base.status
        } else {
            extra.status
        },
        search,
        keywords,
        collection: extra.collection.or(base.collection),
        origin: extra.origin.or(base.origin),
        model: extra.model.clone().or_else(|| base.model.clone()),
        created: CreatedRange {
            from: later(&base.created.from, &extra.created.from),
            before: earlier(&base.created.before, &extra.created.before),
        },
    }
}

fn later(a: &Option<Timestamp>, b: &Option<Timestamp>) -> Option<Timestamp> {
    match (a, b) {
        (Some(a), Some(b)) => Some(if a.as_str() >= b.as_str() { a.clone() } else { b.clone() }),
        (a, b) => a.clone().or_else(|| b.clone()),
    }
}

fn earlier(a: &Option<Timestamp>, b: &Option<Timestamp>) -> Option<Timestamp> {
    match (a, b) {
        (Some(a), Some(b)) => Some(if a.as_str() <= b.as_str() { a.clone() } else { b.clone() }),
        (a, b) => a.clone().or_else(|| b.clone()),
    }
}
