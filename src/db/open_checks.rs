//! What a database file is, read before anything is written to it: SQLite or not, ours or
//! another program's, whole or damaged, from this version of Distillery or a newer one.

use super::open_errors::corrupt_or_query;
use super::{DbError, MIGRATIONS};
use diesel::prelude::*;
use diesel::sql_types::{Integer, Text};
use std::collections::BTreeSet;
use std::io::Read;
use std::path::Path;

const SQLITE_HEADER: &[u8; 16] = b"SQLite format 3\0";
const MIGRATIONS_TABLE: &str = "__diesel_schema_migrations";

/// A missing or empty database beside a `-wal` that holds data is a damaged library, not a
/// new one: opening it would start an empty catalogue over the one in the `-wal`.
pub(super) fn refuse_lone_wal(path: &Path) -> Result<(), DbError> {
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
pub(super) fn check_header(path: &Path) -> Result<bool, DbError> {
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
pub(super) fn check_existing(conn: &mut SqliteConnection, path: &Path) -> Result<BTreeSet<String>, DbError> {
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
pub(super) fn check_existing_quickly(conn: &mut SqliteConnection, path: &Path) -> Result<BTreeSet<String>, DbError> {
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

pub(super) fn known_versions() -> Result<BTreeSet<String>, DbError> {
    use diesel::migration::MigrationSource;
    let migrations = MigrationSource::<diesel::sqlite::Sqlite>::migrations(&MIGRATIONS)
        .map_err(|error| DbError::Migration(error.to_string()))?;
    Ok(migrations.iter().map(|m| m.name().version().to_string()).collect())
}
