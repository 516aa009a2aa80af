//! `media_labels`: each image's colour label, if it has one ("Red", "Approved"): the text
//! xmp:Label carries in Lightroom, Bridge and Photo Mechanic, kept as the user or the tool
//! wrote it (tidied like a keyword).

use super::DbError;
use super::names::{NameProblem, tidy};
use super::schema::media_labels;
use super::types::MediaId;
use diesel::prelude::*;

/// A colour label as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Label(String);

/// Why typed text is not a label.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BadLabel {
    #[error("{}", crate::i18n::tr("a colour label cannot be empty"))]
    Empty,
    #[error("{}", crate::i18n::fill(&crate::i18n::tr("a colour label is at most {} characters"), &[&super::names::MAX_NAME_CHARS.to_string()]))]
    TooLong,
    #[error("{}", crate::i18n::tr("a colour label cannot hold control characters"))]
    ControlCharacter,
}

impl Label {
    pub fn parse(typed: &str) -> Result<Self, BadLabel> {
        tidy(typed)
            .map(|(name, _)| Label(name))
            .map_err(|problem| match problem {
                NameProblem::Empty => BadLabel::Empty,
                NameProblem::TooLong => BadLabel::TooLong,
                NameProblem::ControlCharacter => BadLabel::ControlCharacter,
            })
    }

    pub fn name(&self) -> &str {
        &self.0
    }
}

/// Gives `ids` the label `label`, or takes theirs away (`None`). Returns how many changed.
pub fn set(conn: &mut SqliteConnection, ids: &[MediaId], label: Option<&Label>) -> Result<usize, DbError> {
    let mut changed = 0;
    for chunk in ids.chunks(500) {
        changed += match label {
            None => diesel::delete(media_labels::table.filter(media_labels::media_id.eq_any(chunk))).execute(conn)?,
            Some(label) => {
                let mut n = 0;
                for id in chunk {
                    n += diesel::insert_into(media_labels::table)
                        .values((media_labels::media_id.eq(id), media_labels::label.eq(&label.0)))
                        .on_conflict(media_labels::media_id)
                        .do_update()
                        .set(media_labels::label.eq(&label.0))
                        .execute(conn)?;
                }
                n
            }
        };
    }
    Ok(changed)
}

/// The label of `id`, if it has one.
pub fn of(conn: &mut SqliteConnection, id: &MediaId) -> Result<Option<String>, DbError> {
    Ok(media_labels::table
        .select(media_labels::label)
        .filter(media_labels::media_id.eq(id))
        .first(conn)
        .optional()?)
}

/// The labels of those of `ids` that have one.
pub fn of_items(conn: &mut SqliteConnection, ids: &[MediaId]) -> Result<Vec<(MediaId, String)>, DbError> {
    let mut found = Vec::new();
    for chunk in ids.chunks(500) {
        let rows: Vec<(MediaId, String)> = media_labels::table
            .select((media_labels::media_id, media_labels::label))
            .filter(media_labels::media_id.eq_any(chunk))
            .load(conn)?;
        found.extend(rows);
    }
    Ok(found)
}
