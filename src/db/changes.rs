//! Noticing what other processes wrote: SQLite's `PRAGMA data_version` changes whenever
//! another connection commits to the database (never for this connection's own writes), so
//! polling it on the database thread costs microseconds and tells the window and the queue
//! that a CLI import, a submit or a cancel from elsewhere has landed.

use super::{Database, DbError};
use diesel::SqliteConnection;
use diesel::prelude::*;
use diesel::sql_types::BigInt;
use std::time::Duration;
use tokio::sync::watch;

#[derive(QueryableByName)]
struct DataVersion {
    #[diesel(sql_type = BigInt)]
    data_version: i64,
}

/// The connection's view of how often others have committed; only changes are meaningful.
pub fn data_version(conn: &mut SqliteConnection) -> Result<i64, DbError> {
    Ok(diesel::sql_query("PRAGMA data_version")
        .get_result::<DataVersion>(conn)?
        .data_version)
}

/// How often the window and the queue look for other processes' writes.
pub const POLL_EVERY: Duration = Duration::from_millis(250);

/// A counter that goes up each time another process has committed to `db`, polled every
/// `every` on a tokio task that ends when every receiver is gone or the database closes.
pub fn watch_external(db: &Database, every: Duration) -> watch::Receiver<u64> {
    let (changed, receiver) = watch::channel(0u64);
    let db = db.clone();
    tokio::spawn(async move {
        let mut last = None;
        let mut ticks = tokio::time::interval(every);
        ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tokio::select! {
                _ = ticks.tick() => {}
                () = changed.closed() => return,
            }
            let Ok(version) = db.call(data_version).await else {
                return;
            };
            if last.is_some_and(|last| last != version) {
                changed.send_modify(|count| *count += 1);
            }
            last = Some(version);
        }
    });
    receiver
}
