//! Colour labels: one per image ("Red", "Approved"), as xmp:Label carries them between
//! photo tools. Import reads them, sidecars and exports write them, and `distillery label`
//! and the window's info panel set them.

use super::catalog::{Call, Catalog};
use super::keywords::existing_and_missing;
use crate::db::DbError;
use crate::db::labels::{self, Label};
use crate::db::types::MediaId;
use diesel::SqliteConnection;

/// Gives `ids` the label (or none), all or nothing: when an id names no image, nothing
/// changes and the missing ids come back.
pub fn label_all_or_nothing(
    conn: &mut SqliteConnection,
    ids: &[MediaId],
    label: Option<&Label>,
) -> Result<Result<usize, Vec<MediaId>>, DbError> {
    crate::db::transaction::write(conn, |conn| {
        let (existing, missing) = existing_and_missing(conn, ids)?;
        if !missing.is_empty() {
            return Ok(Err(missing));
        }
        Ok(Ok(labels::set(conn, &existing, label)?))
    })
}

/// A label as typed on the command line: a name, or `none` to take it away.
pub fn parse_label(typed: &str) -> Result<Option<Label>, String> {
    if typed.trim().eq_ignore_ascii_case("none") {
        return Ok(None);
    }
    Label::parse(typed).map(Some).map_err(|problem| problem.to_string())
}

impl Catalog {
    /// The colour label of `id`.
    pub fn label_of(&self, id: MediaId) -> Call<Option<String>> {
        self.call(move |conn| labels::of(conn, &id))
    }

    /// Gives `ids` the label, or takes theirs away.
    pub fn set_label(&self, ids: Vec<MediaId>, label: Option<Label>) -> Call<usize> {
        self.call(move |conn| labels::set(conn, &ids, label.as_ref()))
    }
}
