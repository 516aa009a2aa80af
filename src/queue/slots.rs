//! How many jobs each hosted provider runs at once: one setting, read and written here by
//! the queue, the window's Settings and whoever else asks.

use crate::db::{DbError, app_settings};
use diesel::SqliteConnection;

/// The setting that says how many jobs each hosted provider runs at once.
pub const REMOTE_SLOTS_SETTING: &str = "providers.concurrency";
/// fal starts new accounts at 2 requests at once and queues the rest; 4 keeps a batch
/// moving without holding many requests in flight.
pub const DEFAULT_REMOTE_SLOTS: usize = 4;
const MOST_REMOTE_SLOTS: usize = 16;

/// The jobs each hosted provider runs at once: the setting, within 1 to 16, else the default.
pub fn remote_slots(conn: &mut SqliteConnection) -> Result<usize, DbError> {
    Ok(app_settings::get::<u32>(conn, REMOTE_SLOTS_SETTING)?.map_or(DEFAULT_REMOTE_SLOTS, |n| clamp(n as usize)))
}

/// Sets the jobs each hosted provider runs at once (kept within 1 to 16).
pub fn set_remote_slots(conn: &mut SqliteConnection, slots: usize) -> Result<(), DbError> {
    app_settings::set(conn, REMOTE_SLOTS_SETTING, &(clamp(slots) as u32))
}

fn clamp(slots: usize) -> usize {
    slots.clamp(1, MOST_REMOTE_SLOTS)
}
