//! XMP sidecars kept beside the originals (`<original>.xmp`) when the setting is on, so
//! Lightroom, darktable and digiKam see ratings, picks and keywords set in Distillery.
//! Triggers note every changed image in `xmp_pending`, whichever process changed it; the
//! window writes the noted sidecars as it follows the library, and every command before it
//! closes the library. A note is removed only once its sidecar holds that change.

use crate::db::keywords;
use crate::db::media;
use crate::db::schema::xmp_pending;
use crate::db::types::{CullStatus, MediaId, Rating};
use crate::db::{Database, DbError, app_settings};
use crate::library::LibraryRoot;
use crate::xmp::{self, XmpFields};
use diesel::prelude::*;
use std::path::PathBuf;

/// The setting's key (its value `true` or `false`, as JSON); the triggers read it too.
pub const SETTING: &str = "xmp.write_sidecars";
/// Sidecars written per database round trip.
const BATCH: i64 = 200;

pub fn enabled(conn: &mut SqliteConnection) -> Result<bool, DbError> {
    Ok(app_settings::get::<bool>(conn, SETTING)?.unwrap_or(false))
}

/// Turns sidecar writing on or off. Turning it off forgets what was still to be written.
pub fn set_enabled(conn: &mut SqliteConnection, on: bool) -> Result<(), DbError> {
    crate::db::transaction::write(conn, |conn| {
        app_settings::set(conn, SETTING, &on)?;
        if !on {
            diesel::delete(xmp_pending::table).execute(conn)?;
        }
        Ok(())
    })
}

impl super::Catalog {
    /// Whether sidecars are written.
    pub fn sidecars_enabled(&self) -> super::Call<bool> {
        self.call(enabled)
    }

    /// Turns sidecar writing on or off (saved at once).
    pub fn set_sidecars_enabled(&self, on: bool) -> super::Call<()> {
        self.call(move |conn| set_enabled(conn, on))
    }
}

/// One noted image: where its sidecar goes and what it says.
struct Pending {
    id: MediaId,
    token: Vec<u8>,
    /// `None` when the image has left the library since.
    write: Option<(String, XmpFields)>,
}

fn next_batch(conn: &mut SqliteConnection) -> Result<Vec<Pending>, DbError> {
    let noted: Vec<(MediaId, Vec<u8>)> = xmp_pending::table
        .select((xmp_pending::media_id, xmp_pending::token))
        .limit(BATCH)
        .load(conn)?;
    let ids: Vec<MediaId> = noted.iter().map(|(id, _)| id.clone()).collect();
    let mut rows: std::collections::HashMap<MediaId, media::Media> = media::get_many(conn, &ids)?
        .into_iter()
        .map(|row| (row.id.clone(), row))
        .collect();
    let mut keywords: std::collections::HashMap<MediaId, Vec<String>> =
        keywords::of_items(conn, &ids)?.into_iter().collect();
    let mut labels: std::collections::HashMap<MediaId, String> =
        crate::db::labels::of_items(conn, &ids)?.into_iter().collect();
    Ok(noted
        .into_iter()
        .map(|(id, token)| {
            let write = rows.remove(&id).map(|row| {
                let keywords = keywords.remove(&id).unwrap_or_default();
                let fields = xmp_fields(row.rating, row.status, labels.remove(&id), keywords);
                (row.file_path, fields)
            });
            Pending { id, token, write }
        })
        .collect())
}

/// What XMP says of a catalogue image: its stars, pick or reject, colour label and
/// keywords. Sidecars and exported files say the same.
pub(super) fn xmp_fields(
    rating: Rating,
    status: Option<CullStatus>,
    label: Option<String>,
    keywords: Vec<String>,
) -> XmpFields {
    XmpFields {
        rating: Some(rating.stars()),
        rejected: Some(status == Some(CullStatus::Rejected)),
        selected: Some(status == Some(CullStatus::Selected)),
        label,
        keywords,
    }
}

fn forget(conn: &mut SqliteConnection, written: &[(MediaId, Vec<u8>)]) -> Result<(), DbError> {
    crate::db::transaction::write(conn, |conn| {
        for (id, token) in written {
            diesel::delete(
                xmp_pending::table
                    .filter(xmp_pending::media_id.eq(id))
                    .filter(xmp_pending::token.eq(token)),
            )
            .execute(conn)?;
        }
        Ok(())
    })
}

/// What a round of writing did.
#[derive(Debug, Default)]
pub struct SidecarsWritten {
    pub written: usize,
    /// Sidecars that could not be written, with why (a read-only folder…); not retried.
    pub failed: Vec<(PathBuf, String)>,
}

/// Writes every noted sidecar. Blocks: call it off the UI thread. The files are written
/// outside the database thread; only the reads and the removal of notes run on it.
pub fn write_pending(db: &Database, library: &LibraryRoot) -> Result<SidecarsWritten, DbError> {
    let mut report = SidecarsWritten::default();
    loop {
        let batch = db.call_blocking(next_batch)?;
        if batch.is_empty() {
            return Ok(report);
        }
        let mut handled = Vec::with_capacity(batch.len());
        for pending in batch {
            if let Some((file_path, fields)) = &pending.write {
                let sidecar = library
                    .resolve(file_path)
                    .map(|original| xmp::sidecar_for_writing(&original))
                    .map_err(|e| e.to_string());
                let written = sidecar.clone().and_then(|path| {
                    crate::library::files::write_atomically(&path, xmp::to_packet(fields, None, false).as_bytes())
                        .map_err(|e| e.to_string())
                });
                match written {
                    Ok(()) => report.written += 1,
                    Err(reason) => {
                        let path = sidecar.unwrap_or_else(|_| PathBuf::from(file_path));
                        tracing::warn!(path = %path.display(), reason, "an XMP sidecar could not be written");
                        report.failed.push((path, reason));
                    }
                }
            }
            handled.push((pending.id, pending.token));
        }
        db.call_blocking(move |conn| forget(conn, &handled))?;
    }
}
