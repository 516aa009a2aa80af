//! Importing one file: read, hash (a file already in the library is not added twice),
//! decode within memory limits with EXIF orientation, thumbnail, copy the original into
//! `originals/YYYY/MM/<id>.<ext>`, and add the row (with a generation row when the file says
//! how it was made) in one transaction. On any failure nothing is left behind.

use super::metadata::{self, EmbeddedParameters};
use crate::db::generations::NewGeneration;
use crate::db::media::NewMedia;
use crate::db::types::{GenerationId, GenerationStatus, MediaId, MediaType, Origin, Timestamp};
use crate::db::{Database, DbError, generations, media};
use crate::generation::StoredParams;
use crate::library::files::{content_hash, remove_quietly, write_atomically};
use crate::library::store::thumbnail_path;
use crate::library::thumbnails::thumbnail_jpeg;
use crate::library::{LibraryFolder, LibraryRoot};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Files larger than this are refused before being read.
pub use crate::library::decode::MAX_FILE_BYTES;

/// What became of one file.
#[derive(Debug, Clone, PartialEq)]
pub enum FileOutcome {
    Imported {
        media_id: MediaId,
        stored: PathBuf,
        /// What the user should know although the image came in (an unreadable sidecar).
        notes: Vec<String>,
    },
    /// The same bytes are in the library already, as this item.
    AlreadyInLibrary(MediaId),
    /// Why it could not be imported, for the user ("is damaged or incomplete (…)").
    Failed(String),
}

/// Where one file's time went.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct FileTimings {
    pub read: Duration,
    pub hash: Duration,
    pub decode: Duration,
    /// Resize and JPEG encode of the thumbnail.
    pub thumbnail: Duration,
    /// Writing the original and the thumbnail into the library.
    pub copy: Duration,
    pub database: Duration,
}

impl std::ops::AddAssign for FileTimings {
    fn add_assign(&mut self, other: Self) {
        self.read += other.read;
        self.hash += other.hash;
        self.decode += other.decode;
        self.thumbnail += other.thumbnail;
        self.copy += other.copy;
        self.database += other.database;
    }
}

/// Imports the file at `path`.
pub fn import_file(db: &Database, library: &LibraryRoot, path: &Path, timings: &mut FileTimings) -> FileOutcome {
    match try_import(db, library, path, timings) {
        Ok(outcome) => outcome,
        Err(reason) => FileOutcome::Failed(reason),
    }
}

fn try_import(
    db: &Database,
    library: &LibraryRoot,
    path: &Path,
    timings: &mut FileTimings,
) -> Result<FileOutcome, String> {
    let started = Instant::now();
    let bytes = crate::library::regular_file::read_regular(path, MAX_FILE_BYTES, crate::i18n::later("to import"))?;
    if bytes.is_empty() {
        return Err(crate::i18n::tr("is empty (0 bytes)"));
    }
    timings.read += started.elapsed();

    let started = Instant::now();
    let hash = content_hash(&bytes);
    timings.hash += started.elapsed();
    let lookup = hash.clone();
    if let Some(existing) = db
        .call_blocking(move |c| media::find_by_hash(c, &lookup))
        .map_err(|e| database_problem(&e))?
    {
        return Ok(FileOutcome::AlreadyInLibrary(existing));
    }

    let started = Instant::now();
    let decoded = crate::library::decode::decode_bytes(&bytes).map_err(|problem| problem.0)?;
    timings.decode += started.elapsed();
    let started = Instant::now();
    let thumbnail = thumbnail_jpeg(&decoded).map_err(|e| {
        crate::i18n::fill(
            &crate::i18n::tr("could not be made into a thumbnail ({})"),
            &[&e.to_string()],
        )
    })?;
    timings.thumbnail += started.elapsed();
    let (width, height) = (decoded.width(), decoded.height());
    // The pixels and their share of the decode budget go before the copy and the database.
    drop(decoded);

    let started = Instant::now();
    let media_id = MediaId::new();
    let now = time::OffsetDateTime::now_utc();
    let file_path = format!(
        "{}/{:04}/{:02}/{media_id}.{}",
        LibraryFolder::Originals.dir_name(),
        now.year(),
        u8::from(now.month()),
        extension_for(&bytes, path)
    );
    let thumb_path = thumbnail_path(&media_id);
    let original = library.resolve(&file_path).map_err(|e| e.to_string())?;
    let thumb = library.resolve(&thumb_path).map_err(|e| e.to_string())?;
    library
        .folder(LibraryFolder::Thumbnails)
        .map_err(|e| write_problem(&e))?;
    // Names the files until their row is committed: a process killed in between leaves
    // files that recovery removes and that no check takes for strays meanwhile.
    let marker = crate::library::in_flight::mark(library, media_id.as_str(), &[file_path.clone(), thumb_path.clone()])
        .map_err(|e| {
            write_problem(&crate::library::LibraryError::io(
                &crate::library::in_flight::markers_dir(library),
                e,
            ))
        })?;
    let unmark = || remove_quietly(&[marker.as_path()]);
    if let Err(error) = write_atomically(&original, &bytes) {
        unmark();
        return Err(write_problem(&error));
    }
    if let Err(error) = write_atomically(&thumb, &thumbnail) {
        remove_quietly(&[&original]);
        unmark();
        return Err(write_problem(&error));
    }
    timings.copy += started.elapsed();

    let started = Instant::now();
    let from_xmp = super::xmp_in::read(path, &bytes);
    let embedded = metadata::read(&bytes).map(super::plausible::checked);
    let created = Timestamp::from_datetime(now);
    let generation = embedded.map(|p| generation_row(p, &created));
    let item = NewMedia {
        id: media_id.clone(),
        file_path,
        thumb_path: Some(thumb_path),
        file_name: path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "image".into()),
        media_type: MediaType::Image,
        origin: Origin::Import,
        width: Some(width as i32),
        height: Some(height as i32),
        file_size: Some(bytes.len() as i64),
        generation_id: generation.as_ref().map(|g| g.id.clone()),
        created_at: created,
        content_hash: Some(hash),
    };
    // One call on the database thread: the duplicate check and the insert cannot interleave
    // with another import's.
    let (xmp_fields, xmp_keywords) = (from_xmp.fields, from_xmp.keywords);
    let stored = db.call_blocking(move |c| {
        crate::db::transaction::write::<_, DbError, _>(c, |c| {
            if let Some(existing) = media::find_by_hash(c, item.content_hash.as_deref().unwrap_or_default())? {
                return Ok(Err(existing));
            }
            if let Some(generation) = &generation {
                generations::insert(c, generation)?;
            }
            media::insert(c, &item)?;
            if let Some(fields) = &xmp_fields {
                apply_xmp(c, &item.id, fields, &xmp_keywords)?;
            }
            Ok(Ok(()))
        })
    });
    timings.database += started.elapsed();
    let outcome = match stored {
        Ok(Ok(())) => Ok(FileOutcome::Imported {
            media_id,
            stored: original,
            notes: from_xmp.notes,
        }),
        Ok(Err(existing)) => {
            remove_quietly(&[&original, &thumb]);
            Ok(FileOutcome::AlreadyInLibrary(existing))
        }
        Err(error) => {
            remove_quietly(&[&original, &thumb]);
            Err(database_problem(&error))
        }
    };
    unmark();
    outcome
}

/// The rating, pick or reject, colour label and keywords an imported file's XMP gives it.
fn apply_xmp(
    c: &mut diesel::SqliteConnection,
    id: &MediaId,
    fields: &crate::xmp::XmpFields,
    keywords: &[crate::db::keywords::Keyword],
) -> Result<(), DbError> {
    use crate::db::types::{CullStatus, Rating};
    let one = std::slice::from_ref(id);
    if let Some(stars) = fields.rating.and_then(Rating::new) {
        media::set_rating(c, one, stars)?;
    }
    let status = match (fields.rejected, fields.selected) {
        (Some(true), _) => Some(CullStatus::Rejected),
        (_, Some(true)) => Some(CullStatus::Selected),
        _ => None,
    };
    if status.is_some() {
        media::set_status(c, one, status)?;
    }
    if !keywords.is_empty() {
        crate::db::keywords::add(c, one, keywords)?;
    }
    if let Some(label) = fields
        .label
        .as_deref()
        .and_then(|typed| crate::db::labels::Label::parse(typed).ok())
    {
        crate::db::labels::set(c, one, Some(&label))?;
    }
    Ok(())
}

/// The stored file's extension, from its content (a PNG named .jpg is stored as .png).
fn extension_for(bytes: &[u8], path: &Path) -> String {
    use image::ImageFormat;
    match image::guess_format(bytes) {
        Ok(ImageFormat::Png) => "png".into(),
        Ok(ImageFormat::Jpeg) => "jpg".into(),
        Ok(ImageFormat::WebP) => "webp".into(),
        Ok(ImageFormat::Gif) => "gif".into(),
        Ok(ImageFormat::Bmp) => "bmp".into(),
        Ok(ImageFormat::Tiff) => "tif".into(),
        _ => path
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_else(|| "img".into()),
    }
}

/// A completed generation row for parameters another tool (or Distillery) embedded.
fn generation_row(p: EmbeddedParameters, created: &Timestamp) -> NewGeneration {
    let id = GenerationId::new();
    let params_json = match &p.distillery {
        Some(meta) => serde_json::to_string(&StoredParams {
            resolution: meta.resolution,
            aspect: meta.aspect.clone(),
            references: Vec::new(),
            batch: id.to_string(),
            batch_index: 0,
        })
        .ok(),
        None => p
            .negative_prompt
            .as_ref()
            .map(|negative| serde_json::json!({ "negative_prompt": negative }).to_string()),
    };
    NewGeneration {
        id,
        base_model_id: None,
        provider: p.tool.to_owned(),
        model_file: p.model,
        prompt: p.prompt,
        width: p.width,
        height: p.height,
        seed: p.seed,
        steps: p.steps,
        guidance: p.guidance,
        sampling_method: p.sampler,
        params_json,
        status: GenerationStatus::Completed,
        created_at: created.as_str().to_owned(),
    }
}

fn write_problem(error: &crate::library::LibraryError) -> String {
    match error {
        crate::library::LibraryError::DiskFull { .. } => crate::i18n::tr(
            "could not be copied into the library: the disk is full (free some space and import it again)",
        ),
        other => crate::i18n::fill(
            &crate::i18n::tr("could not be copied into the library ({})"),
            &[&other.to_string()],
        ),
    }
}

fn database_problem(error: &DbError) -> String {
    crate::i18n::fill(
        &crate::i18n::tr("could not be added to the library database ({})"),
        &[&error.to_string()],
    )
}
