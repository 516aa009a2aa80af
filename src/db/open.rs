use super::{DbError, MIGRATIONS, worker::Database};
use diesel::connection::SimpleConnection;
use diesel::prelude::*;
use diesel::sql_types::{Integer, Text};
use diesel_migrations::MigrationHarness;
use std::collections::BTreeSet;
use std::io::Read;
use std::path::{Path, PathBuf};

/// An open, migrated library database and what opening it did.
pub struct OpenedDatabase {
    pub db: Database,
    pub report: SchemaReport,
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

/// Opens (or creates) the library database at `path`, checks that it is a healthy Distillery
/// database this version understands, applies pending migrations and starts the database
/// thread.
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
    let existed = check_header(path)?;

    let url = path.to_str().ok_or_else(|| DbError::Open {
        path: path.to_owned(),
        source: diesel::ConnectionError::BadConnection("the path is not valid UTF-8".into()),
    })?;
    let mut conn = super::connection::establish(url).map_err(|source| DbError::Open {
        path: path.to_owned(),
        source,
    })?;
    // Wait for a lock rather than fail at once if another connection (a CLI run) holds it.
    conn.batch_execute("PRAGMA busy_timeout = 5000;")?;

    // Read-only checks first: nothing is written to a file we are going to refuse.
    let applied_before = if existed {
        check_existing(&mut conn, path)?
    } else {
        BTreeSet::new()
    };

    conn.batch_execute("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;")
        .map_err(|error| corrupt_or_query(path, error))?;

    let mut report = SchemaReport {
        created: !existed,
        ..SchemaReport::default()
    };
    let pending = conn
        .pending_migrations(MIGRATIONS)
        .map_err(|error| DbError::Migration(error.to_string()))?;
    if !pending.is_empty() && !applied_before.is_empty() {
        let newest = pending
            .last()
            .map(|m| m.name().version().to_string())
            .unwrap_or_default();
        report.backup = Some(backup_before_migration(&mut conn, path, &newest)?);
    }
    let applied = conn
        .run_pending_migrations(MIGRATIONS)
        .map_err(|error| DbError::Migration(error.to_string()))?;
    report.applied = applied.iter().map(ToString::to_string).collect();

    Ok(OpenedDatabase {
        db: Database::start(conn, path.to_owned()),
        report,
    })
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
    // A Distillery database has our tables; one that lost them is not ours to write to.
    let ours: Count = diesel::sql_query(
        "SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name IN ('media', 'app_settings')",
    )
    .get_result(conn)
    .map_err(|error| corrupt_or_query(path, error))?;
    if !applied.is_empty() && ours.n < 2 {
        return Err(DbError::ForeignDatabase { path: path.to_owned() });
    }
    if !check_now {
        if known.iter().any(|version| !applied.contains(version)) {
            // A migration is about to write: the whole file is checked first.
            quick_check(conn, path)?;
        } else {
            quick_check_in_background(path);
        }
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
