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
    #[error("{}", crate::i18n::fill(&crate::i18n::tr("“{}” is not a day: write it as YYYY-MM-DD, e.g. 2026-12-03"), &[&.0.to_string()]))]
    Day(String),
    #[error("{}", crate::i18n::fill(&crate::i18n::tr("the range ends ({}) before it starts ({})"), &[&.to.to_string(), &.from.to_string()]))]
    BackwardsRange { from: String, to: String },
    #[error("{}", crate::i18n::fill(&crate::i18n::tr("a rating is 0 to 5 stars, not {}"), &[&.0.to_string()]))]
    Rating(u8),
    #[error("{}", crate::i18n::fill(&crate::i18n::tr("a saved filter cannot be read: {}"), &[&.0.to_string()]))]
    Json(String),
    #[error("{}", crate::i18n::tr("the collection it was saved within has been deleted"))]
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

impl SavedFilter {
    /// The window's filter bar and search as a smart collection saves them.
    pub fn from_grid_view(view: &crate::settings::GridView, search: &str) -> Self {
        SavedFilter {
            min_rating: view.min_rating.min(5),
            status: match view.status {
                1 => SavedStatus::Selected,
                2 => SavedStatus::Rejected,
                3 => SavedStatus::Unmarked,
                _ => SavedStatus::All,
            },
            search: Some(search.trim().to_owned()).filter(|s| !s.is_empty()),
            origin: match view.origin {
                1 => Some(SavedOrigin::Generated),
                2 => Some(SavedOrigin::Imported),
                _ => None,
            },
            ..SavedFilter::default()
        }
    }

    /// Both saved filters at once, saved as one (the rules of [`both`]): a smart collection
    /// saved while another is shown and narrowed by the filter bar.
    pub fn narrowed_by(&self, extra: &SavedFilter) -> SavedFilter {
        let search = [self.search.as_deref(), extra.search.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ");
        let mut keywords = self.keywords.clone();
        for keyword in &extra.keywords {
            if !keywords.iter().any(|k| k.to_lowercase() == keyword.to_lowercase()) {
                keywords.push(keyword.clone());
            }
        }
        // Days are YYYY-MM-DD, so their text orders as the days do.
        let pick = |a: &Option<String>, b: &Option<String>, later: bool| match (a, b) {
            (Some(a), Some(b)) => Some(if (a >= b) == later { a.clone() } else { b.clone() }),
            (a, b) => a.clone().or_else(|| b.clone()),
        };
        SavedFilter {
            min_rating: self.min_rating.max(extra.min_rating),
            status: if extra.status == SavedStatus::All {
                self.status
            } else {
                extra.status
            },
            search: Some(search).filter(|s| !s.is_empty()),
            keywords,
            collection: extra.collection.or(self.collection),
            origin: extra.origin.or(self.origin),
            model: extra.model.clone().or_else(|| self.model.clone()),
            from: pick(&self.from, &extra.from, true),
            to: pick(&self.to, &extra.to, false),
        }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_smart_collection_saved_within_another_keeps_both_filters() {
        let shown = SavedFilter {
            min_rating: 3,
            keywords: vec!["Harbour".into()],
            from: Some("2026-11-01".into()),
            to: Some("2026-11-30".into()),
            search: Some("dusk".into()),
            ..SavedFilter::default()
        };
        let bar = SavedFilter {
            min_rating: 1,
            status: SavedStatus::Selected,
            keywords: vec!["harbour".into(), "night".into()],
            from: Some("2026-11-10".into()),
            search: Some("boats".into()),
            ..SavedFilter::default()
        };
        let saved = shown.narrowed_by(&bar);
        assert_eq!(saved.min_rating, 3, "the higher bar");
        assert_eq!(saved.status, SavedStatus::Selected);
        assert_eq!(saved.keywords, ["Harbour", "night"], "a keyword is not kept twice");
        assert_eq!(saved.from.as_deref(), Some("2026-11-10"), "the later start");
        assert_eq!(saved.to.as_deref(), Some("2026-11-30"));
        assert_eq!(saved.search.as_deref(), Some("dusk boats"));
        let view = crate::settings::GridView {
            min_rating: 2,
            status: 2,
            origin: 1,
            ..Default::default()
        };
        let from_bar = SavedFilter::from_grid_view(&view, "  ");
        assert_eq!(
            (from_bar.min_rating, from_bar.status, from_bar.origin, from_bar.search),
            (2, SavedStatus::Rejected, Some(SavedOrigin::Generated), None)
        );
    }
}
