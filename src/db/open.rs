use super::open_checks::{check_existing, check_existing_quickly, check_header, known_versions, refuse_lone_wal};
use super::open_errors::{migration_error, unwritable_or_query};
use super::ownership::Ownership;
use super::{DbError, MIGRATIONS, worker::Database};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::Text;
use diesel_migrations::MigrationHarness;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// An open, migrated library database and what opening it did.
pub struct OpenedDatabase {
    pub db: Database,
    pub report: SchemaReport,
    /// This process's claim on the library: held when it opened the database as the owner.
    pub ownership: Arc<Ownership>,
}

/// What [`open_database`] changed, for the log.
#[derive(Debug, Default)]
pub struct SchemaReport {
    /// The file did not exist (or was empty) and was created.
    pub created: bool,
    /// Migrations applied now, oldest first.
    pub applied: Vec<String>,
    /// Where the database was copied before an existing one was migrated.
    pub backup: Option<PathBuf>,
}

/// How long a write waits for another process's write to end before it fails. Another
/// process's import or demo library commits in batches well under this.
const BUSY_TIMEOUT_MS: u32 = 15_000;

/// How long a client waits for the owner to finish creating or migrating the database.
const SCHEMA_WAIT: Duration = Duration::from_secs(60);

/// Opens (or creates) the library database at `path`, checks that it is a healthy Distillery
/// database this version understands, applies pending migrations and starts the database
/// thread.
///
/// The process that takes the library's lock ([`Ownership`]) is its owner and alone creates
/// and migrates the file. Another process opens it as a client: it waits until the owner has
/// brought the schema up to date (or takes over if the owner goes away meanwhile).
///
/// A file that is not SQLite, belongs to another program, is damaged or comes from a newer
/// Distillery is refused before anything is written to it.
pub fn open_database(path: &Path) -> Result<OpenedDatabase, DbError> {
    if let Some(dir) = path.parent().filter(|dir| !dir.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|source| DbError::DataDir {
            path: dir.to_owned(),
            source,
        })?;
    }
    let ownership = Arc::new(Ownership::for_database(path));
    let owner = take_ownership(&ownership, path)?;
    let (conn, report) = if owner {
        open_as_owner(path)?
    } else {
        open_as_client(path, &ownership)?
    };
    Ok(OpenedDatabase {
        db: Database::start(conn, path.to_owned()),
        report,
        ownership,
    })
}

/// Tries to become the library's owner. A data folder that cannot be written (read-only
/// media, no permission) is refused here, naming the database: SQLite could not use it either.
fn take_ownership(ownership: &Ownership, path: &Path) -> Result<bool, DbError> {
    match ownership.try_take() {
        Ok(owner) => Ok(owner),
        Err(error)
            if matches!(
                error.kind(),
                std::io::ErrorKind::ReadOnlyFilesystem | std::io::ErrorKind::PermissionDenied
            ) =>
        {
            Err(DbError::Unwritable {
                path: path.to_owned(),
                cause: "its folder is read-only".to_owned(),
                detail: error.to_string(),
            })
        }
        Err(error) if error.kind() == std::io::ErrorKind::StorageFull => Err(DbError::Unwritable {
            path: path.to_owned(),
            cause: "the disk is full".to_owned(),
            detail: error.to_string(),
        }),
        Err(error) => {
            tracing::warn!(%error, lock = %ownership.lock_path().display(), "the library lock cannot be taken; opening as a client");
            Ok(false)
        }
    }
}

fn connect(path: &Path) -> Result<SqliteConnection, DbError> {
    let url = path.to_str().ok_or_else(|| DbError::Open {
        path: path.to_owned(),
        source: diesel::ConnectionError::BadConnection("the path is not valid UTF-8".into()),
    })?;
    let mut conn = super::connection::establish(url).map_err(|source| DbError::Open {
        path: path.to_owned(),
        source,
    })?;
    // Wait for a lock rather than fail at once if another process is writing.
    conn.batch_execute(&format!("PRAGMA busy_timeout = {BUSY_TIMEOUT_MS};"))
        .map_err(|error| unwritable_or_query(path, error))?;
    Ok(conn)
}

/// The owner's open: refuse what is not ours or damaged, then create or migrate.
fn open_as_owner(path: &Path) -> Result<(SqliteConnection, SchemaReport), DbError> {
    refuse_lone_wal(path)?;
    let existed = check_header(path)?;
    let mut conn = connect(path)?;

    // Read-only checks first: nothing is written to a file we are going to refuse.
    let applied_before = if existed {
        check_existing(&mut conn, path)?
    } else {
        BTreeSet::new()
    };

    conn.batch_execute("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;")
        .map_err(|error| unwritable_or_query(path, error))?;

    let mut report = SchemaReport {
        created: !existed,
        ..SchemaReport::default()
    };
    let pending = conn
        .pending_migrations(MIGRATIONS)
        .map_err(|error| migration_error(path, error.to_string()))?;
    if !pending.is_empty() && !applied_before.is_empty() {
        let newest = pending
            .last()
            .map(|m| m.name().version().to_string())
            .unwrap_or_default();
        report.backup = Some(backup_before_migration(&mut conn, path, &newest)?);
    }
    let applied = conn
        .run_pending_migrations(MIGRATIONS)
        .map_err(|error| migration_error(path, error.to_string()))?;
    report.applied = applied.iter().map(ToString::to_string).collect();
    if !report.applied.is_empty() {
        // The new schema goes into the database file itself, not only its -wal.
        super::close::checkpoint(&mut conn);
    }
    Ok((conn, report))
}

/// A client's open: wait until the owner has created and migrated the database, then use it
/// as it is. If the owner goes away meanwhile, this process becomes the owner.
fn open_as_client(path: &Path, ownership: &Ownership) -> Result<(SqliteConnection, SchemaReport), DbError> {
    let deadline = Instant::now() + SCHEMA_WAIT;
    loop {
        if check_header(path)? {
            let mut conn = connect(path)?;
            conn.batch_execute("PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;")?;
            let applied = check_existing_quickly(&mut conn, path)?;
            let known = known_versions()?;
            if known.iter().all(|version| applied.contains(version)) {
                return Ok((conn, SchemaReport::default()));
            }
        }
        if take_ownership(ownership, path)? {
            return open_as_owner(path);
        }
        if Instant::now() >= deadline {
            return Err(DbError::SchemaNotReady {
                path: path.to_owned(),
                owner: ownership.describe_owner(),
            });
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Copies the database next to itself before a migration changes it, so an upgrade can
/// never lose a library.
fn backup_before_migration(conn: &mut SqliteConnection, path: &Path, version: &str) -> Result<PathBuf, DbError> {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(format!(".before-{version}.bak"));
    let backup = path.with_file_name(name);
    if !backup.exists() {
        let target = backup.to_string_lossy().into_owned();
        diesel::sql_query("VACUUM INTO ?")
            .bind::<Text, _>(target)
            .execute(conn)?;
        tracing::info!(backup = %backup.display(), "copied the database before migrating it");
    }
    Ok(backup)
}
