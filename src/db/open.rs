use super::ownership::Ownership;
use super::{DbError, MIGRATIONS, worker::Database};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::{Integer, Text};
use diesel_migrations::MigrationHarness;
use std::collections::BTreeSet;
use std::io::Read;
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

const SQLITE_HEADER: &[u8; 16] = b"SQLite format 3\0";
const MIGRATIONS_TABLE: &str = "__diesel_schema_migrations";

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

/// A missing or empty database beside a `-wal` that holds data is a damaged library, not a
/// new one: opening it would start an empty catalogue over the one in the `-wal`.
fn refuse_lone_wal(path: &Path) -> Result<(), DbError> {
    let mut wal_name = path.file_name().unwrap_or_default().to_os_string();
    wal_name.push("-wal");
    let wal = path.with_file_name(wal_name);
    let wal_size = std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0);
    let db_size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    if wal_size > 0 && db_size == 0 {
        return Err(DbError::LoneWal {
            path: path.to_owned(),
            wal,
            wal_size,
        });
    }
    Ok(())
}

/// Returns whether a non-empty file exists, refusing one that is not SQLite.
fn check_header(path: &Path) -> Result<bool, DbError> {
    let mut file = match std::fs::File::open(path) {
        Ok(file) => file,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(false),
        Err(source) => {
            return Err(DbError::DataDir {
                path: path.to_owned(),
                source,
            });
        }
    };
    let mut header = Vec::with_capacity(16);
    file.by_ref()
        .take(16)
        .read_to_end(&mut header)
        .map_err(|source| DbError::DataDir {
            path: path.to_owned(),
            source,
        })?;
    match header.len() {
        0 => Ok(false),
        _ if header.as_slice() == SQLITE_HEADER => Ok(true),
        _ => Err(DbError::NotSqlite { path: path.to_owned() }),
    }
}

#[derive(QueryableByName)]
struct QuickCheck {
    #[diesel(sql_type = Text)]
    quick_check: String,
}

#[derive(QueryableByName)]
struct TableName {
    #[diesel(sql_type = Text)]
    name: String,
}

#[derive(QueryableByName)]
struct AppliedVersion {
    #[diesel(sql_type = Text)]
    version: String,
}

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = Integer)]
    n: i32,
}

/// Databases up to this size are checked page by page at every open (about 30 ms for
/// 20 MB here). A larger one is checked so only before a migration writes to it; otherwise
/// the check runs beside the app on a read-only connection, so a 100,000-item library
/// (145 MB) does not wait ~250 ms for it before its first frame.
const CHECK_AT_OPEN_BYTES: u64 = 32 * 1024 * 1024;

/// Reads every page (`PRAGMA quick_check`): a damaged file is refused before anything is
/// written to it.
fn quick_check(conn: &mut SqliteConnection, path: &Path) -> Result<(), DbError> {
    let problems: Vec<QuickCheck> = diesel::sql_query("PRAGMA quick_check(5)")
        .load(conn)
        .map_err(|error| corrupt_or_query(path, error))?;
    let problems: Vec<String> = problems
        .into_iter()
        .map(|row| row.quick_check)
        .filter(|line| line != "ok")
        .collect();
    if !problems.is_empty() {
        return Err(DbError::Corrupt {
            path: path.to_owned(),
            detail: problems.join("; "),
        });
    }
    Ok(())
}

/// The same check on its own read-only connection and thread; a problem is logged (SQLite
/// also refuses to use a damaged page when the app reaches it).
fn quick_check_in_background(path: &Path) {
    let path = path.to_owned();
    let spawned = std::thread::Builder::new()
        .name("database check".into())
        .spawn(move || {
            let url = format!("file:{}?mode=ro", path.display());
            let checked = super::connection::establish(&url)
                .map_err(|source| DbError::Open {
                    path: path.clone(),
                    source,
                })
                .and_then(|mut conn| quick_check(&mut conn, &path));
            match checked {
                Ok(()) => tracing::debug!(path = %path.display(), "the database checked whole"),
                Err(error) => tracing::error!(%error, "the library database is damaged"),
            }
        });
    if let Err(error) = spawned {
        tracing::warn!(%error, "the database check could not start");
    }
}

/// Checks an existing database without writing to it and returns the migrations it has.
fn check_existing(conn: &mut SqliteConnection, path: &Path) -> Result<BTreeSet<String>, DbError> {
    let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
    let check_now = size <= CHECK_AT_OPEN_BYTES;
    if check_now {
        quick_check(conn, path)?;
    }
    let applied = check_existing_quickly(conn, path)?;
    if applied.is_empty() {
        return Ok(applied);
    }
    // A Distillery database has our tables; one that lost them is not ours to write to.
    let ours: Count = diesel::sql_query(
        "SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name IN ('media', 'app_settings')",
    )
    .get_result(conn)
    .map_err(|error| corrupt_or_query(path, error))?;
    if ours.n < 2 {
        return Err(DbError::ForeignDatabase { path: path.to_owned() });
    }
    if !check_now {
        let known = known_versions()?;
        if known.iter().any(|version| !applied.contains(version)) {
            // A migration is about to write: the whole file is checked first.
            quick_check(conn, path)?;
        } else {
            quick_check_in_background(path);
        }
    }
    Ok(applied)
}

/// The migrations a database has, refusing one of another program or of a newer Distillery.
/// Reads only the schema: what a client checks while the owner may still be migrating.
fn check_existing_quickly(conn: &mut SqliteConnection, path: &Path) -> Result<BTreeSet<String>, DbError> {
    let tables: Vec<TableName> =
        diesel::sql_query("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
            .load(conn)
            .map_err(|error| corrupt_or_query(path, error))?;
    if tables.is_empty() {
        return Ok(BTreeSet::new());
    }
    if !tables.iter().any(|table| table.name == MIGRATIONS_TABLE) {
        return Err(DbError::ForeignDatabase { path: path.to_owned() });
    }

    let applied: BTreeSet<String> = diesel::sql_query(format!("SELECT version FROM {MIGRATIONS_TABLE}"))
        .load::<AppliedVersion>(conn)
        .map_err(|error| corrupt_or_query(path, error))?
        .into_iter()
        .map(|row| row.version)
        .collect();
    let known = known_versions()?;
    if let Some(unknown) = applied.iter().filter(|version| !known.contains(*version)).max() {
        return Err(DbError::NewerSchema {
            path: path.to_owned(),
            found: unknown.clone(),
            known: known.iter().max().cloned().unwrap_or_default(),
        });
    }
    Ok(applied)
}

fn known_versions() -> Result<BTreeSet<String>, DbError> {
    use diesel::migration::MigrationSource;
    let migrations = MigrationSource::<diesel::sqlite::Sqlite>::migrations(&MIGRATIONS)
        .map_err(|error| DbError::Migration(error.to_string()))?;
    Ok(migrations.iter().map(|m| m.name().version().to_string()).collect())
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

/// A full disk or a read-only folder, named with the database file and the cause; anything
/// else as [`corrupt_or_query`] reads it.
fn unwritable_or_query(path: &Path, error: diesel::result::Error) -> DbError {
    let text = error.to_string();
    let causes = [
        ("disk is full", "the disk is full"),
        ("database or disk is full", "the disk is full"),
        ("readonly", "the folder or file is read-only"),
        ("read-only", "the folder or file is read-only"),
        ("unable to open", "it cannot be opened"),
    ];
    match causes.iter().find(|(needle, _)| text.contains(needle)) {
        Some((_, cause)) => DbError::Unwritable {
            path: path.to_owned(),
            cause: (*cause).to_owned(),
            detail: text,
        },
        None => corrupt_or_query(path, error),
    }
}

fn migration_error(path: &Path, text: String) -> DbError {
    let cause = if text.contains("full") {
        "the disk is full"
    } else if text.contains("readonly") || text.contains("read-only") {
        "its folder is read-only"
    } else {
        return DbError::Migration(text);
    };
    DbError::Unwritable {
        path: path.to_owned(),
        cause: cause.to_owned(),
        detail: text,
    }
}

/// SQLite reports a damaged file through a few error codes; name the file when it does.
fn corrupt_or_query(path: &Path, error: diesel::result::Error) -> DbError {
    let text = error.to_string();
    let damaged = ["malformed", "not a database", "corrupt", "file is encrypted"];
    if damaged.iter().any(|word| text.contains(word)) {
        DbError::Corrupt {
            path: path.to_owned(),
            detail: text,
        }
    } else {
        DbError::Query(error)
    }
}
