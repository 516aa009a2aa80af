//! Exporting: which images (a view, a collection, the selection), what each copy says about
//! itself, and the batch: one image at a time (a low-memory machine holds one decoded image),
//! each written under a free name, progress after each, a cancel between and within images
//! that leaves no partial file. The window's Export dialog and `distillery export` share it.

use crate::db::keywords;
use crate::db::types::MediaId;
use crate::db::{Database, DbError, generations, media};
use crate::export::{ExportOptions, MetadataChoice, NameFields, WriteProblem, render, write_new};
use crate::library::LibraryRoot;
use crate::xmp::{self, XmpFields};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};

/// What became of one image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExportOutcome {
    Written(PathBuf),
    Failed(String),
}

/// Progress after each image.
#[derive(Debug, Clone)]
pub struct ExportProgress {
    pub done: usize,
    pub total: usize,
    pub id: MediaId,
    pub outcome: ExportOutcome,
}

/// What an export did.
#[derive(Debug, Clone, Default)]
pub struct ExportSummary {
    pub written: Vec<(MediaId, PathBuf)>,
    pub failed: Vec<(MediaId, String)>,
    /// Images not exported because the export was cancelled.
    pub not_started: usize,
    pub cancelled: bool,
}

impl ExportSummary {
    /// "12 exported, 1 failed".
    pub fn summary(&self) -> String {
        use crate::i18n::tr_n;
        let count = |n: usize| (n as u64, crate::format::grouped(n as i64));
        let (n, shown) = count(self.written.len());
        let mut parts = vec![tr_n("{n} exported", "{n} exported", n, &shown)];
        if !self.failed.is_empty() {
            let (n, shown) = count(self.failed.len());
            parts.push(tr_n("{n} failed", "{n} failed", n, &shown));
        }
        if self.cancelled {
            let (n, shown) = count(self.not_started);
            parts.push(tr_n(
                "{n} not exported (cancelled)",
                "{n} not exported (cancelled)",
                n,
                &shown,
            ));
        }
        parts.join(", ")
    }

    /// [`summary`](Self::summary) and where the files went: "12 exported to ~/Pictures".
    pub fn summary_to(&self, folder: &str) -> String {
        // TRANSLATORS: what an export did, and the folder: "12 exported to ~/Pictures".
        crate::i18n::fill(&crate::i18n::tr("{} to {}"), &[&self.summary(), folder])
    }
}

/// Why an export could not start.
#[derive(Debug, thiserror::Error)]
pub enum ExportRefused {
    #[error("{}", crate::i18n::fill(&crate::i18n::tr("the destination {} is inside the library: choose a folder outside it"), &[&.0.to_string()]))]
    InsideLibrary(String),
    #[error("{}", crate::i18n::fill(&crate::i18n::tr("the destination {} cannot be used: {}"), &[&.folder.to_string(), &.error.to_string()]))]
    Folder { folder: String, error: std::io::Error },
    #[error(transparent)]
    Database(#[from] DbError),
}

/// One image's facts, read from the catalogue before it is rendered.
struct Facts {
    file_path: String,
    names: NameFields,
    xmp: XmpFields,
    generation: Option<xmp::Generation>,
}

fn facts(conn: &mut diesel::SqliteConnection, id: &MediaId, counter: usize) -> Result<Option<Facts>, DbError> {
    let Some(row) = media::get(conn, id)? else {
        return Ok(None);
    };
    let generation = match &row.generation_id {
        Some(g) => generations::get(conn, g)?,
        None => None,
    };
    let keywords = keywords::of_items(conn, std::slice::from_ref(id))?
        .pop()
        .map(|(_, names)| names)
        .unwrap_or_default();
    let (date, time) = local_date_and_time(row.created_at.as_str());
    let stem = std::path::Path::new(&row.file_name)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok(Some(Facts {
        file_path: row.file_path,
        names: NameFields {
            date,
            time,
            seed: generation.as_ref().and_then(|g| g.seed),
            prompt: generation.as_ref().and_then(|g| g.prompt.clone()),
            counter,
            name: stem,
            id: id.to_string(),
            rating: row.rating.stars(),
        },
        xmp: super::sidecars::xmp_fields(row.rating, row.status, crate::db::labels::of(conn, id)?, keywords),
        generation: generation.map(|g| xmp::Generation {
            prompt: g.prompt,
            model: g.model_file,
            seed: g.seed,
            steps: g.steps,
            guidance: g.guidance,
            width: g.width,
            height: g.height,
        }),
    }))
}

/// `YYYY-MM-DD` and `HHMMSS` of a stored UTC time, in the local zone (read once per
/// process, not once per image).
fn local_date_and_time(stored: &str) -> (String, String) {
    let zone = crate::format::local_zone().cloned().unwrap_or(jiff::tz::TimeZone::UTC);
    match stored.parse::<jiff::Timestamp>() {
        Ok(at) => {
            let local = at.to_zoned(zone);
            (
                local.strftime("%Y-%m-%d").to_string(),
                local.strftime("%H%M%S").to_string(),
            )
        }
        Err(_) => (stored.get(..10).unwrap_or_default().to_owned(), String::new()),
    }
}

/// Exports `ids` (in that order) as `options` say. Stops between images, and before an
/// image takes its name, once `cancel` is set.
pub fn export(
    db: &Database,
    library: &LibraryRoot,
    ids: &[MediaId],
    options: &ExportOptions,
    cancel: &AtomicBool,
    progress: &dyn Fn(ExportProgress),
) -> Result<ExportSummary, ExportRefused> {
    prepare_folder(library, options)?;
    let mut summary = ExportSummary::default();
    for (index, id) in ids.iter().enumerate() {
        if cancel.load(Ordering::SeqCst) {
            summary.cancelled = true;
            summary.not_started = ids.len() - index;
            break;
        }
        let wanted = id.clone();
        let facts = db.call_blocking(move |conn| facts(conn, &wanted, index + 1))?;
        let outcome = match facts {
            None => ExportOutcome::Failed(crate::i18n::tr("is no longer in the library")),
            Some(facts) => match export_one(library, &facts, options, cancel) {
                Ok(path) => ExportOutcome::Written(path),
                Err(None) => {
                    summary.cancelled = true;
                    summary.not_started = ids.len() - index;
                    break;
                }
                Err(Some(reason)) => ExportOutcome::Failed(reason),
            },
        };
        match &outcome {
            ExportOutcome::Written(path) => summary.written.push((id.clone(), path.clone())),
            ExportOutcome::Failed(reason) => summary.failed.push((id.clone(), reason.clone())),
        }
        progress(ExportProgress {
            done: index + 1,
            total: ids.len(),
            id: id.clone(),
            outcome,
        });
    }
    Ok(summary)
}

impl super::Catalog {
    /// Every image of a view, in its order: what "export this view" exports.
    pub fn view_ids(
        &self,
        filter: crate::db::media_query::MediaFilter,
        sort: crate::db::media_query::MediaSort,
    ) -> super::Call<Vec<MediaId>> {
        self.call(move |conn| view_ids(conn, &filter, sort))
    }

    /// [`export`] from this catalogue's library. Blocks: run it on a blocking thread.
    pub fn export_blocking(
        &self,
        ids: &[MediaId],
        options: &ExportOptions,
        cancel: &AtomicBool,
        progress: &dyn Fn(ExportProgress),
    ) -> Result<ExportSummary, ExportRefused> {
        export(self.database(), self.library(), ids, options, cancel, progress)
    }
}

/// Every image of a view, in its order.
pub fn view_ids(
    conn: &mut diesel::SqliteConnection,
    filter: &crate::db::media_query::MediaFilter,
    sort: crate::db::media_query::MediaSort,
) -> Result<Vec<MediaId>, DbError> {
    let view = crate::db::media_query::page(conn, filter, sort, None, u32::MAX)?;
    Ok(view.into_iter().map(|item| item.id).collect())
}

fn prepare_folder(library: &LibraryRoot, options: &ExportOptions) -> Result<(), ExportRefused> {
    let folder_problem = |error| ExportRefused::Folder {
        folder: options.folder.display().to_string(),
        error,
    };
    std::fs::create_dir_all(&options.folder).map_err(folder_problem)?;
    let folder = options.folder.canonicalize().map_err(folder_problem)?;
    let root = library
        .path()
        .canonicalize()
        .unwrap_or_else(|_| library.path().to_owned());
    if folder.starts_with(&root) {
        return Err(ExportRefused::InsideLibrary(options.folder.display().to_string()));
    }
    Ok(())
}

/// One image rendered and written; `Err(None)` when cancelled.
fn export_one(
    library: &LibraryRoot,
    facts: &Facts,
    options: &ExportOptions,
    cancel: &AtomicBool,
) -> Result<PathBuf, Option<String>> {
    let original = library.resolve(&facts.file_path).map_err(|e| Some(e.to_string()))?;
    let bytes = crate::library::decode::read_image_file(&original).map_err(|problem| {
        Some(crate::i18n::fill(
            &crate::i18n::tr("its original {} {}"),
            &[&original.display().to_string(), &problem.0.to_string()],
        ))
    })?;
    let packet = match options.metadata {
        MetadataChoice::Strip => None,
        MetadataChoice::Xmp => Some(xmp::to_packet(&facts.xmp, None, true)),
        MetadataChoice::Keep => Some(xmp::to_packet(&facts.xmp, facts.generation.as_ref(), true)),
    };
    let rendered = render(&bytes, options, packet.as_deref()).map_err(Some)?;
    drop(bytes);
    let stem = options.names.render(&facts.names);
    write_new(
        &options.folder,
        &stem,
        options.format.extension(),
        &rendered.bytes,
        cancel,
    )
    .map_err(|problem| match problem {
        WriteProblem::Cancelled => None,
        other => Some(other.to_string()),
    })
}
