//! The filters `list`, `export` and `collection save` share: the grid's filter bar and search
//! as options.

use super::organise::{parse_collection_name, parse_keyword};
use crate::services::listing::ViewQuery;
use crate::services::saved_filter::{SavedFilter, SavedOrigin, SavedStatus, parse_day};
use clap::Args;

#[derive(Debug, Clone, Default, Args)]
pub struct FilterArgs {
    /// Only items whose prompt, file name or keywords have these words.
    #[arg(long)]
    pub search: Option<String>,
    /// Only items rated at least N stars (1–5).
    #[arg(long, value_parser = clap::value_parser!(u8).range(0..=5))]
    pub min_rating: Option<u8>,
    /// Only items with this keyword (repeat for items with all of them; case does not matter).
    #[arg(long = "keyword", value_name = "K", value_parser = parse_keyword)]
    pub keywords: Vec<String>,
    /// Only items marked selected, rejected or none (unmarked).
    #[arg(long, value_parser = parse_status)]
    pub status: Option<SavedStatus>,
    /// Only items in this collection (its images, or what its smart filter matches).
    #[arg(long, value_name = "NAME", value_parser = parse_collection_name)]
    pub collection: Option<String>,
    /// Only generated or only imported items.
    #[arg(long, value_parser = parse_origin)]
    pub origin: Option<SavedOrigin>,
    /// Only items generated with this model (as the info panel names it).
    #[arg(long)]
    pub model: Option<String>,
    /// Only items made on or after this day (YYYY-MM-DD, local time).
    #[arg(long, value_name = "DAY", value_parser = parse_day_arg)]
    pub from: Option<String>,
    /// Only items made on or before this day (YYYY-MM-DD, local time).
    #[arg(long, value_name = "DAY", value_parser = parse_day_arg)]
    pub to: Option<String>,
}

impl FilterArgs {
    /// The items these options select.
    pub fn to_query(&self) -> ViewQuery {
        ViewQuery {
            filter: SavedFilter {
                min_rating: self.min_rating.unwrap_or(0),
                status: self.status.unwrap_or_default(),
                search: self.search.clone(),
                keywords: self.keywords.clone(),
                collection: None,
                origin: self.origin,
                model: self.model.clone(),
                from: self.from.clone(),
                to: self.to.clone(),
            },
            collection: self.collection.clone(),
        }
    }
}

fn parse_status(typed: &str) -> Result<SavedStatus, String> {
    match typed.trim().to_ascii_lowercase().as_str() {
        "selected" => Ok(SavedStatus::Selected),
        "rejected" => Ok(SavedStatus::Rejected),
        "none" | "unmarked" => Ok(SavedStatus::Unmarked),
        other => Err(format!("'{other}' is not a status: use selected, rejected or none")),
    }
}

fn parse_origin(typed: &str) -> Result<SavedOrigin, String> {
    match typed.trim().to_ascii_lowercase().as_str() {
        "generated" => Ok(SavedOrigin::Generated),
        "imported" => Ok(SavedOrigin::Imported),
        other => Err(format!("'{other}' is not an origin: use generated or imported")),
    }
}

fn parse_day_arg(typed: &str) -> Result<String, String> {
    parse_day(typed)
        .map(|day| day.to_string())
        .map_err(|problem| problem.to_string())
}
