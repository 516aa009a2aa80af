//! Which database catalogues which library. The data folder's `distillery.db` holds the
//! settings and the catalogue of the first library opened with it; every other library
//! gets a catalogue of its own in `libraries/<library id>/distillery.db`. A library is
//! known by the id in its marker file, so a moved library keeps its catalogue, a new folder
//! starts an empty one, and going back to a library finds its ratings as they were.

use crate::db::{Database, DbError, Ownership, app_settings, open_database};
use crate::library::LibraryRoot;
use crate::library::identity;
use anyhow::Context as _;
use std::path::Path;
use std::sync::Arc;

/// The id of the library a database catalogues.
const LIBRARY_ID: &str = "library.id";

/// Settings that belong to the person rather than to one library: they go with a switch to
/// another library.
const CARRIED: [&str; 12] = [
    "engine.binary",
    "engine.demo",
    "engine.model_files",
    "engine.options",
    "generation.defaults",
    "ui.window",
    "ui.generation_panel_open",
    "ui.info_panel_open",
    "ui.organise_panel_open",
    "ui.demo_banner_dismissed",
    "ui.loupe.auto_advance",
    "export.choices",
];

/// Settings of one library's place, never copied to another.
const LIBRARY_ONLY: [&str; 4] = [LIBRARY_ID, "library_root", "ui.current_item", "ui.loupe_open"];

/// The catalogue of `library`: `main` itself for the data folder's own library, else the
/// library's own database (created with a copy of `main`'s settings the first time). Returns
/// it with this process's claim on it (`main_ownership` when it is `main`).
pub fn open(
    data_dir: &Path,
    main: &Database,
    main_ownership: &Arc<Ownership>,
    library: &LibraryRoot,
) -> anyhow::Result<(Database, Arc<Ownership>)> {
    let main_id = library_id(main)?;
    let folder_id = identity::read_id(library.path());
    if main_id.is_some() && main_id == folder_id {
        return Ok((main.clone(), main_ownership.clone()));
    }
    let id = identity::ensure_id(library.path())
        .with_context(|| format!("cannot mark {} as a Distillery library", library.path().display()))?;
    if main_id.is_none() {
        // The data folder's first library (or one from before libraries had ids).
        let adopted = id.clone();
        main.call_blocking(move |conn| app_settings::set(conn, LIBRARY_ID, &adopted))?;
        return Ok((main.clone(), main_ownership.clone()));
    }
    let path = catalogue_path(data_dir, &id);
    let created = !path.exists();
    let opened = open_database(&path)?;
    let (own, ownership) = (opened.db, opened.ownership);
    if created {
        tracing::info!(library = %library.path().display(), catalogue = %path.display(), "a new library catalogue");
        copy_settings(main, &own, |key| !LIBRARY_ONLY.contains(&key))?;
    }
    own.call_blocking(move |conn| app_settings::set(conn, LIBRARY_ID, &id))?;
    Ok((own, ownership))
}

/// Where the catalogue of a library other than the data folder's own is kept.
pub fn catalogue_path(data_dir: &Path, library_id: &str) -> std::path::PathBuf {
    data_dir.join("libraries").join(library_id).join("distillery.db")
}

fn library_id(db: &Database) -> Result<Option<String>, DbError> {
    db.call_blocking(|conn| match app_settings::get::<String>(conn, LIBRARY_ID) {
        Err(DbError::BadSetting { .. }) => Ok(None),
        other => other,
    })
}

/// Copies the settings that go with the person from one catalogue to another (before a
/// switch, so the engine and window stay as they were).
pub fn carry_settings(from: &Database, to: &Database) -> Result<(), DbError> {
    copy_settings(from, to, |key| CARRIED.contains(&key))
}

/// Copies the settings whose key `keep` accepts from one database to another.
fn copy_settings(from: &Database, to: &Database, keep: impl Fn(&str) -> bool) -> Result<(), DbError> {
    let rows = from.call_blocking(app_settings::all_raw)?;
    let copied: Vec<_> = rows.into_iter().filter(|(key, _)| keep(key)).collect();
    to.call_blocking(move |conn| app_settings::set_all_raw(conn, &copied))
}
