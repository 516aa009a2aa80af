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

/// Each image's label before a change (`None`: it had none).
type LabelsBefore = std::sync::Arc<std::sync::Mutex<Vec<(MediaId, Option<String>)>>>;

/// A label change as undo keeps it: the images, the label given (or none), and each image's
/// label before, filled on the database thread by [`Catalog::apply_label`] before any later
/// call (the undo's) runs.
#[derive(Debug, Clone)]
pub struct LabelEdit {
    pub ids: Vec<MediaId>,
    pub label: Option<Label>,
    before: LabelsBefore,
}

impl LabelEdit {
    pub fn new(ids: Vec<MediaId>, label: Option<Label>) -> Self {
        Self {
            ids,
            label,
            before: Default::default(),
        }
    }

    /// What the undo toast names: "labelling 3 images Red".
    pub fn describe(&self, images: &str) -> String {
        match &self.label {
            // TRANSLATORS: "labelling 3 images Red" (the label as the user or a tool named it).
            Some(label) => crate::i18n::fill(&crate::i18n::tr("labelling {} {}"), &[images, label.name()]),
            None => crate::i18n::fill(&crate::i18n::tr("clearing the label of {}"), &[images]),
        }
    }
}

impl Catalog {
    /// Saves `edit`, noting each image's label before it.
    pub fn apply_label(&self, edit: &LabelEdit) -> Call<usize> {
        let (ids, label, before) = (edit.ids.clone(), edit.label.clone(), edit.before.clone());
        self.call(move |conn| {
            crate::db::transaction::write(conn, |conn| {
                let had: std::collections::HashMap<MediaId, String> =
                    labels::of_items(conn, &ids)?.into_iter().collect();
                *before.lock().unwrap_or_else(|p| p.into_inner()) =
                    ids.iter().map(|id| (id.clone(), had.get(id).cloned())).collect();
                labels::set(conn, &ids, label.as_ref())
            })
        })
    }

    /// Takes `edit` back: each image's label as it was.
    pub fn undo_label(&self, edit: &LabelEdit) -> Call<()> {
        let before = edit.before.lock().unwrap_or_else(|p| p.into_inner()).clone();
        self.call(move |conn| {
            crate::db::transaction::write(conn, |conn| {
                for (id, label) in &before {
                    let label = label.as_deref().and_then(|l| Label::parse(l).ok());
                    labels::set(conn, std::slice::from_ref(id), label.as_ref())?;
                }
                Ok(())
            })
        })
    }
}
