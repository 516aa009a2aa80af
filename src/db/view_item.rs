//! One library item as a grid view holds and pages by it, read with the fewest columns.

use super::media::Media;
use super::types::{CullStatus, MediaId, Rating, Timestamp};
use diesel::prelude::*;
use diesel::sql_types::{Integer, Text};

/// One item as a grid view holds it: what the grid draws and pages by. Pages read exactly
/// these columns, which every grid index holds, so SQLite never visits the table for them.
/// The rest of a row ([`Media`]) is read by id when something needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ViewItem {
    pub id: MediaId,
    pub rating: Rating,
    pub status: Option<CullStatus>,
    pub created_at: Timestamp,
}

impl From<&Media> for ViewItem {
    fn from(item: &Media) -> Self {
        Self {
            id: item.id.clone(),
            rating: item.rating,
            status: item.status,
            created_at: item.created_at.clone(),
        }
    }
}

/// The columns of a [`ViewItem`], in its field order, from a table whose id column is `id`.
/// The status comes as a number (1 selected, 2 rejected, NULL neither): the grid needs no
/// text for it, and a page then reads two text columns per row instead of three.
pub(super) fn view_columns(id: &str) -> String {
    format!("{id}, rating, CASE status WHEN 'selected' THEN 1 WHEN 'rejected' THEN 2 END, created_at")
}

/// The SQL types of a [`ViewItem`] row.
pub(super) type ViewRow = (Text, Integer, diesel::sql_types::Nullable<Integer>, Text);

impl Queryable<ViewRow, diesel::sqlite::Sqlite> for ViewItem {
    type Row = (String, i32, Option<i32>, String);

    fn build((id, rating, status, created_at): Self::Row) -> diesel::deserialize::Result<Self> {
        Ok(Self {
            id: MediaId::from_string(id),
            rating: Rating::from(rating),
            status: match status {
                None => None,
                Some(1) => Some(CullStatus::Selected),
                Some(2) => Some(CullStatus::Rejected),
                Some(other) => return Err(format!("unknown status code {other}").into()),
            },
            created_at: Timestamp::from(created_at),
        })
    }
}

/// Where the next page starts: the sort key of the last item already shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    pub rating: Rating,
    pub created_at: Timestamp,
    pub id: MediaId,
}

impl Cursor {
    /// The cursor just after `item`.
    pub fn after(item: &ViewItem) -> Self {
        Self {
            rating: item.rating,
            created_at: item.created_at.clone(),
            id: item.id.clone(),
        }
    }
}
