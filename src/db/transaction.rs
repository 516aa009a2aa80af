//! Write transactions that wait for another process instead of failing.
//!
//! SQLite starts a plain (`DEFERRED`) transaction as a reader. If it reads and then writes
//! while another process has written in between, the upgrade fails at once with "database is
//! locked": the busy timeout cannot help, since waiting could not make the stale read fresh.
//! Taking the write lock first, as `BEGIN IMMEDIATE` does, makes the busy timeout apply: the
//! transaction simply waits its turn. Every write transaction in Distillery goes through
//! [`write`].
//!
//! diesel offers `immediate_transaction`, but refuses it inside another transaction, and a
//! caller's transaction cannot be seen from here. So [`write`] opens a plain transaction (a
//! savepoint when nested) and takes the write lock with its first statement, a write that
//! changes nothing: at the start of a transaction that is exactly `BEGIN IMMEDIATE`.

use diesel::SqliteConnection;
use diesel::connection::SimpleConnection;

/// A write that matches no row: it takes the database's write lock (waiting up to the busy
/// timeout for another writer) and changes nothing. `app_settings` exists in every
/// Distillery database from its first migration on.
const TAKE_WRITE_LOCK: &str = "UPDATE app_settings SET key = key WHERE 0;";

/// Runs `work` in a transaction that holds the write lock from its start (a savepoint when
/// nested), committing on `Ok` and rolling back on `Err`.
pub fn write<T, E, F>(conn: &mut SqliteConnection, work: F) -> Result<T, E>
where
    F: FnOnce(&mut SqliteConnection) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    use diesel::Connection;
    conn.transaction(|conn| {
        conn.batch_execute(TAKE_WRITE_LOCK)?;
        work(conn)
    })
}

/// Runs `work` on one snapshot of the database: in WAL mode a transaction's reads all see
/// the database as of its first read, so counts and pages read together agree even while
/// another process writes.
pub fn read<T, E, F>(conn: &mut SqliteConnection, work: F) -> Result<T, E>
where
    F: FnOnce(&mut SqliteConnection) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    use diesel::Connection;
    conn.transaction(work)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_write_that_reads_first_waits_for_another_connection_instead_of_failing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        let url = path.to_str().unwrap().to_owned();
        let mut first = crate::db::connection::establish(&url).unwrap();
        first
            .batch_execute(
                "PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 5000; CREATE TABLE t (x INTEGER); CREATE TABLE app_settings (key TEXT);",
            )
            .unwrap();
        let (holding, held) = std::sync::mpsc::channel();
        let writer = std::thread::spawn(move || {
            let mut second = crate::db::connection::establish(&url).unwrap();
            second.batch_execute("PRAGMA busy_timeout = 5000;").unwrap();
            write::<_, diesel::result::Error, _>(&mut second, |conn| {
                conn.batch_execute("INSERT INTO t VALUES (1);")?;
                holding.send(()).unwrap();
                std::thread::sleep(std::time::Duration::from_millis(300));
                Ok(())
            })
            .unwrap();
        });
        held.recv().unwrap();
        // Reads, then writes, while the other connection holds the write lock.
        let done = write::<_, diesel::result::Error, _>(&mut first, |conn| {
            conn.batch_execute("SELECT count(*) FROM t;")?;
            write::<_, diesel::result::Error, _>(conn, |conn| conn.batch_execute("INSERT INTO t VALUES (2);"))
        });
        writer.join().unwrap();
        assert!(done.is_ok(), "the write waited its turn: {done:?}");
    }
}
