//! `check --repair`: fixes what a check found without deleting anything. Thumbnails are made
//! again from their originals; files under `originals/` that no item names are imported as
//! new items and then moved to `lost+found/`; unused prepared references are moved to
//! `lost+found/` as well. An item whose original is gone cannot be repaired here: it is
//! marked missing (`missing_originals`), so the grid shows it as missing, and stays reported.
//! A marked item whose file is back loses its mark.

use crate::db::{Database, DbError, Ownership};
use crate::library::LibraryRoot;
use crate::library::check::{CheckReport, check_library};
use std::path::{Path, PathBuf};

/// Why a check with repair did not run.
#[derive(Debug, thiserror::Error)]
pub enum RepairError {
    #[error(
        "{owner} has this library open, and only it may repair the library (files it is writing would look stray from here). Repair from its Settings, or close it and try again; a check without repair works now."
    )]
    NotOwner { owner: String },
    #[error("{0}")]
    ReadOnly(String),
    #[error(transparent)]
    Db(#[from] DbError),
}

/// Where set-aside files go, under the library root, keeping their relative paths.
pub const LOST_AND_FOUND: &str = "lost+found";

/// What a repair did, and what it could not do (file and reason).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct RepairReport {
    pub thumbnails_made: usize,
    pub imported: usize,
    pub set_aside: usize,
    /// Items marked as missing their original.
    pub marked_missing: usize,
    pub failed: Vec<(String, String)>,
}

/// Checks `library` against its catalogue; with `and_repair`, repairs what the check found
/// and checks again (`distillery check --repair`, Settings → Repair). The repair runs even
/// when nothing was found: it also takes the marks off originals that are back. Only the
/// library's owner repairs: another process's work in progress is invisible from elsewhere.
pub fn check_and_repair(
    db: &Database,
    library: &LibraryRoot,
    and_repair: bool,
    ownership: &Ownership,
) -> Result<(CheckReport, Option<RepairReport>), RepairError> {
    if let Some(reason) = library.read_only_reason().filter(|_| and_repair) {
        return Err(RepairError::ReadOnly(reason));
    }
    if and_repair && !ownership.is_owner() {
        return Err(RepairError::NotOwner {
            owner: ownership.describe_owner(),
        });
    }
    let found = check_library(db, library)?;
    if !and_repair {
        return Ok((found, None));
    }
    let repaired = repair(db, library, &found);
    db.flush_blocking()?;
    Ok((check_library(db, library)?, Some(repaired)))
}

/// Repairs what `found` lists in `library` (catalogued by `db`).
pub fn repair(db: &Database, library: &LibraryRoot, found: &CheckReport) -> RepairReport {
    let mut report = RepairReport::default();
    let root = library.path();
    let missing = found.missing_ids.clone();
    match db.call_blocking(move |conn| crate::db::missing_originals::mark_exactly(conn, &missing)) {
        Ok(marked) => report.marked_missing = marked,
        Err(error) => report.failed.push((
            "missing originals".into(),
            crate::i18n::fill(&crate::i18n::tr("could not be marked: {}"), &[&error.to_string()]),
        )),
    }
    for thumbnail in found.missing_thumbnails.iter().chain(&found.corrupt_thumbnails) {
        match remake_thumbnail(db, library, thumbnail) {
            Ok(()) => report.thumbnails_made += 1,
            Err(reason) => report.failed.push((thumbnail.clone(), reason)),
        }
    }
    let began = found.began.unwrap_or_else(std::time::SystemTime::now);
    for orphan in &found.orphan_originals {
        // Looked at once more just before it is touched: a row committed since the check, or
        // a file being written by a finalisation, is not a stray.
        if !still_stray(db, library, orphan, began, StrayKind::Original) {
            continue;
        }
        let path = root.join(orphan);
        let mut timings = Default::default();
        match crate::import::import_file(db, library, &path, &mut timings) {
            crate::import::FileOutcome::Imported { .. } => report.imported += 1,
            // Its bytes are in the library already: the copy under lost+found is enough.
            crate::import::FileOutcome::AlreadyInLibrary(_) => {}
            crate::import::FileOutcome::Failed(reason) => {
                report.failed.push((
                    orphan.clone(),
                    crate::i18n::fill(&crate::i18n::tr("not imported: {}"), &[&reason.to_string()]),
                ));
            }
        }
        match set_aside(root, orphan) {
            Ok(()) => report.set_aside += 1,
            Err(reason) => report.failed.push((orphan.clone(), reason)),
        }
    }
    for reference in &found.orphan_references {
        if !still_stray(db, library, reference, began, StrayKind::Reference) {
            continue;
        }
        match set_aside(root, reference) {
            Ok(()) => report.set_aside += 1,
            Err(reason) => report.failed.push((reference.clone(), reason)),
        }
    }
    report
}

#[derive(Clone, Copy)]
enum StrayKind {
    Original,
    Reference,
}

/// Whether `relative` is still a file no row names, settled since before the check began.
fn still_stray(
    db: &Database,
    library: &LibraryRoot,
    relative: &str,
    began: std::time::SystemTime,
    kind: StrayKind,
) -> bool {
    use crate::library::in_flight::{being_written, changed_since, named_by_markers};
    if changed_since(&library.path().join(relative), began) || being_written(relative, &named_by_markers(library)) {
        return false;
    }
    let file = relative.to_owned();
    let named = db.call_blocking(move |conn| match kind {
        StrayKind::Original => crate::db::media::names_file(conn, &file),
        StrayKind::Reference => crate::db::generations::uses_reference(conn, &file),
    });
    // When in doubt, leave the file where it is.
    matches!(named, Ok(false))
}

/// Makes `thumbnails/<id>_thumb.jpg` again from the item's original.
fn remake_thumbnail(db: &Database, library: &LibraryRoot, thumbnail: &str) -> Result<(), String> {
    let id = thumbnail
        .strip_prefix("thumbnails/")
        .and_then(|name| name.strip_suffix("_thumb.jpg"))
        .ok_or("not a thumbnail name")?
        .to_owned();
    let media_id = crate::db::types::MediaId::from_string(&id);
    let item = db
        .call_blocking(move |conn| crate::db::media::get(conn, &media_id))
        .map_err(|e| e.to_string())?
        .ok_or("its item is gone")?;
    crate::library::thumbnails::remake(library, &item.file_path, thumbnail)
}

/// Moves `relative` (under the root) to `lost+found/<relative>`, never over another file.
fn set_aside(root: &Path, relative: &str) -> Result<(), String> {
    let from = root.join(relative);
    let mut to: PathBuf = root.join(LOST_AND_FOUND).join(relative);
    let mut n = 1;
    while to.exists() {
        to = root.join(LOST_AND_FOUND).join(format!("{relative}.{n}"));
        n += 1;
    }
    if let Some(dir) = to.parent() {
        std::fs::create_dir_all(dir).map_err(|e| {
            crate::i18n::fill(
                &crate::i18n::tr("cannot create {} ({})"),
                &[&dir.display().to_string(), &e.to_string()],
            )
        })?;
    }
    std::fs::rename(&from, &to).map_err(|e| {
        crate::i18n::fill(
            &crate::i18n::tr("cannot be moved to {} ({})"),
            &[&to.display().to_string(), &e.to_string()],
        )
    })
}
