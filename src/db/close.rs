//! Leaving a database whole: the write-ahead log folded back into the database file, so that
//! `distillery.db` alone holds the catalogue after Distillery exits (a backup or a copy of
//! that one file is then complete).

use diesel::SqliteConnection;
use diesel::prelude::*;
use diesel::sql_types::Integer;

#[derive(QueryableByName)]
struct CheckpointRow {
    /// 1 when another connection kept the checkpoint from finishing.
    #[diesel(sql_type = Integer)]
    busy: i32,
    #[diesel(sql_type = Integer)]
    log: i32,
    #[diesel(sql_type = Integer)]
    checkpointed: i32,
}

/// Copies every committed page from the `-wal` into the database file and empties the log.
/// Another process reading at that moment can keep it from finishing; that is logged, and
/// the log is folded in by whoever closes last.
pub fn checkpoint(conn: &mut SqliteConnection) {
    match diesel::sql_query("PRAGMA wal_checkpoint(TRUNCATE)").get_result::<CheckpointRow>(conn) {
        Ok(row) if row.busy != 0 => tracing::debug!(
            log = row.log,
            checkpointed = row.checkpointed,
            "another connection kept the checkpoint from finishing"
        ),
        Ok(_) => {}
        Err(error) => tracing::warn!(%error, "the database log could not be folded into the database"),
    }
}
