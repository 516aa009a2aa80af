//! How Distillery opens a SQLite connection: every connection goes through [`establish`],
//! which first puts SQLite in multi-thread mode for the whole process.
//!
//! SQLite's default (serialized) mode locks a mutex inside nearly every call, each
//! `sqlite3_column_*` read included, so that one connection may be used from several threads
//! at once. Distillery never does that: a diesel `SqliteConnection` is `Send` but not `Sync`,
//! and the library's connection lives on the database thread. Multi-thread mode drops those
//! per-call locks (rusqlite opens every connection this way, with `SQLITE_OPEN_NOMUTEX`).
//! Memory statistics, which take a global lock on every allocation inside SQLite, are turned
//! off too; nothing reads them.

use diesel::{Connection, ConnectionResult, SqliteConnection};
use std::sync::OnceLock;

/// Opens the SQLite database at `url` (a path or a `file:` URI).
pub fn establish(url: &str) -> ConnectionResult<SqliteConnection> {
    multi_thread_mode();
    SqliteConnection::establish(url)
}

/// Sets SQLite's process-wide mode the first time it is called, and says whether SQLite took
/// multi-thread mode. False when something in this process used SQLite before: the settings
/// only apply before SQLite initialises, and connections then stay serialized (correct, only
/// slower).
pub fn multi_thread_mode() -> bool {
    static CONFIGURED: OnceLock<bool> = OnceLock::new();
    *CONFIGURED.get_or_init(|| {
        let configured = configure_process();
        if !configured {
            tracing::debug!("SQLite was already initialised; its connections stay serialized");
        }
        configured
    })
}

/// Sets SQLite's process-wide options; false if SQLite refused (already initialised).
#[allow(unsafe_code)]
fn configure_process() -> bool {
    use libsqlite3_sys::{SQLITE_CONFIG_MEMSTATUS, SQLITE_CONFIG_MULTITHREAD, SQLITE_OK, sqlite3_config};
    // SAFETY: `sqlite3_config` is documented as callable before SQLite initialises and not
    // while another thread uses SQLite; called too late it only returns SQLITE_MISUSE. It runs
    // once, inside the `OnceLock`, before this process's first connection. Multi-thread mode
    // requires that no connection (or statement of it) is used by two threads at the same
    // time, which diesel's `SqliteConnection: !Sync` guarantees.
    unsafe {
        let multi_thread = sqlite3_config(SQLITE_CONFIG_MULTITHREAD) == SQLITE_OK;
        if multi_thread {
            sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0 as std::os::raw::c_int);
        }
        multi_thread
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connections_run_in_multi_thread_mode() {
        let mut conn = establish(":memory:").unwrap();
        assert!(multi_thread_mode(), "SQLite refused multi-thread mode");
        use diesel::connection::SimpleConnection;
        conn.batch_execute("CREATE TABLE t (x); INSERT INTO t VALUES (1);")
            .unwrap();
    }
}
