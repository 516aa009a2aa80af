use crate::cli::{EngineChoice, GlobalOptions};
use crate::db::{Database, DbError, Ownership, media, open_database};
use crate::library::LibraryRoot;
use crate::settings;
use crate::ui::StartupView;
use anyhow::Context as _;
use std::path::PathBuf;
use std::sync::Arc;

/// What every part of the app shares: the database, the library folder and the engine choice.
pub struct AppContext {
    /// The catalogue of the open library (with the settings).
    pub db: Database,
    /// The data folder's own database: where the library to open at start is kept. The same
    /// as `db` unless another library is open.
    pub main_db: Database,
    pub library: LibraryRoot,
    /// This process's claim on the open library: held when it owns it (runs its queue,
    /// recovery and repairs); otherwise the queue takes it once the owner has gone.
    pub ownership: Arc<Ownership>,
    pub engine: Option<EngineChoice>,
    pub data_dir: PathBuf,
    /// The library came from `--library` or `DISTILLERY_LIBRARY`, not from settings.
    pub library_overridden: bool,
}

/// The platform's data folder for Distillery (`~/.local/share/distillery` on Linux).
pub fn default_data_dir() -> anyhow::Result<PathBuf> {
    directories::ProjectDirs::from("", "", "Distillery")
        .map(|dirs| dirs.data_dir().to_owned())
        .context("no home folder was found for the data folder; pass --data-dir DIR")
}

/// `--data-dir`, else the platform default.
pub fn resolve_data_dir(global: &GlobalOptions) -> anyhow::Result<PathBuf> {
    match &global.data_dir {
        Some(dir) => Ok(std::path::absolute(dir).unwrap_or_else(|_| dir.clone())),
        None => default_data_dir(),
    }
}

impl AppContext {
    /// The open library's catalogue, as the window and its services use it.
    pub fn catalog(&self) -> crate::services::Catalog {
        crate::services::Catalog::new(self.db.clone(), self.library.clone())
    }

    /// Opens the database (checking and migrating it) and the library folder.
    /// The library is `--library`, else `DISTILLERY_LIBRARY`, else the folder chosen in
    /// settings, else the default.
    pub fn open(global: &GlobalOptions) -> anyhow::Result<Self> {
        let data_dir = resolve_data_dir(global)?;
        let opened = open_database(&data_dir.join("distillery.db"))?;
        let report = &opened.report;
        if report.created {
            tracing::info!(path = %opened.db.path().display(), "created a new library database");
        }
        if !report.applied.is_empty() {
            tracing::info!(migrations = ?report.applied, "updated the database schema");
        }
        let (db, main_ownership) = (opened.db, opened.ownership);

        let overridden = global.library.clone().or_else(super::environment::library);
        let library_overridden = overridden.is_some();
        let root = match overridden {
            Some(path) => path,
            None => match db.call_blocking(settings::library_root)? {
                Some(saved) => saved,
                None => LibraryRoot::default_path()?,
            },
        };
        let library = LibraryRoot::open(&root)?;
        tracing::info!(library = %library.path().display(), "library opened");
        let main_db = db;
        let (db, ownership) = super::catalogue::open(&data_dir, &main_db, &main_ownership, &library)?;
        if !Arc::ptr_eq(&ownership, &main_ownership) {
            // The data folder's own library is not the one open here: whoever opens it owns it.
            main_ownership.release();
        }
        if !ownership.is_owner() {
            tracing::info!(owner = %ownership.describe_owner(), "the library is open in another process; joining it as a client");
        }
        Ok(Self {
            db,
            main_db,
            library,
            ownership,
            engine: global.engine.clone().or_else(super::environment::engine),
            data_dir,
            library_overridden,
        })
    }

    /// This context with the library in `root` open instead: its catalogue (a new, empty one
    /// for a folder that is not a library yet), with the engine and window settings carried
    /// over, and remembered as the library to open at the next start.
    pub fn switch_library(&self, root: &std::path::Path) -> anyhow::Result<Self> {
        let library = LibraryRoot::open(root)?;
        let main_ownership = Arc::new(Ownership::for_database(self.main_db.path()));
        let (db, ownership) = super::catalogue::open(&self.data_dir, &self.main_db, &main_ownership, &library)?;
        let same_catalogue = db.path() == self.db.path();
        if !same_catalogue {
            super::catalogue::carry_settings(&self.db, &db)?;
            // The library left behind can be owned by another process now.
            self.ownership.release();
            if Arc::ptr_eq(&ownership, &main_ownership) {
                // Back on the data folder's own library: claim it as any start would.
                let _ = ownership.try_take();
            }
        }
        let remembered = library.path().to_owned();
        self.main_db
            .call_blocking(move |conn| settings::set_library_root(conn, &remembered))?;
        self.db.flush_blocking()?;
        tracing::info!(library = %library.path().display(), "switched library");
        Ok(Self {
            db,
            main_db: self.main_db.clone(),
            library,
            ownership: if same_catalogue {
                self.ownership.clone()
            } else {
                ownership
            },
            engine: self.engine.clone(),
            data_dir: self.data_dir.clone(),
            library_overridden: false,
        })
    }

    /// Refuses a change to a read-only library (an archive disk, a read-only share), saying why.
    pub fn require_writable(&self) -> anyhow::Result<()> {
        match self.library.read_only_reason() {
            Some(reason) => anyhow::bail!("{reason}"),
            None => Ok(()),
        }
    }

    /// Opens the library, runs `work` on it and closes it (see [`Self::close`]) whatever
    /// `work` returned: the shape of every command.
    pub fn run_with<T>(global: &GlobalOptions, work: impl FnOnce(&Self) -> anyhow::Result<T>) -> anyhow::Result<T> {
        let ctx = Self::open(global)?;
        let outcome = work(&ctx);
        ctx.close();
        outcome
    }

    /// Ends this process's use of the library: every queued write is finished, the write-ahead
    /// log is folded into `distillery.db` and the connections are closed, then the library is
    /// left for another process to own.
    pub fn close(&self) {
        self.write_noted_sidecars();
        self.db.close_blocking();
        self.main_db.close_blocking();
        self.ownership.release();
    }

    /// The XMP sidecars this command's changes (or another process's) still owe, written
    /// before the library is left, when the setting asks for them.
    fn write_noted_sidecars(&self) {
        if self.library.read_only_reason().is_some() {
            return;
        }
        match crate::services::sidecars::write_pending(&self.db, &self.library) {
            Ok(report) => {
                for (path, reason) in report.failed {
                    eprintln!("{}: the XMP sidecar could not be written: {reason}", path.display());
                }
            }
            Err(error) => tracing::warn!(%error, "the noted XMP sidecars could not be read"),
        }
    }

    /// Reads what the window needs at start. Runs before the event loop starts, so waiting
    /// here blocks no UI.
    pub fn load_startup_view(&self) -> Result<StartupView, DbError> {
        let (ui_state, total_count, filtered_count) = self.db.call_blocking(|conn| {
            let ui_state = settings::load_ui_state(conn)?;
            let (filter, _) = ui_state.grid.filter_and_sort();
            let filtered = crate::db::media_query::count(conn, &filter)?;
            Ok((ui_state, media::count_all(conn)?, filtered))
        })?;
        Ok(StartupView {
            ui_state,
            total_count,
            filtered_count,
            library_root: self.library.path().to_owned(),
            settings_context: self.settings_context(),
        })
    }

    fn settings_context(&self) -> crate::ui::settings_dialog::DialogContext {
        let engine_override = self.engine.as_ref().map(|choice| {
            let which = match choice {
                EngineChoice::Demo => crate::i18n::tr("the demo engine"),
                EngineChoice::Binary(path) => path.display().to_string(),
            };
            crate::i18n::fill(
                &crate::i18n::tr(
                    "This run uses {}, set by --engine or DISTILLERY_ENGINE; the choice below applies when Distillery starts without it.",
                ),
                &[&which],
            )
        });
        let library_override = self.library_overridden.then(|| {
            crate::i18n::tr(
                "This run's library was set by --library or DISTILLERY_LIBRARY, which decides again at the next start; a folder chosen here is opened now and whenever Distillery starts without them.",
            )
        });
        let models_dir = std::env::var_os("DISTILLERY_MODELS")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            .or_else(|| {
                LibraryRoot::default_path()
                    .ok()
                    .and_then(|p| p.parent().map(|d| d.join("Models")))
            });
        crate::ui::settings_dialog::DialogContext {
            engine_override,
            library_override,
            models_dir,
            library_root: self.library.path().to_owned(),
            ownership: self.ownership.clone(),
        }
    }
}
