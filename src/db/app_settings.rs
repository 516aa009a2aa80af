//! `app_settings`: a key / JSON-value store for preferences and window state.

use super::DbError;
use super::schema::app_settings;
use diesel::prelude::*;
use serde::Serialize;
use serde::de::DeserializeOwned;

/// Reads a setting; `None` when it was never saved.
pub fn get<T: DeserializeOwned>(conn: &mut SqliteConnection, key: &str) -> Result<Option<T>, DbError> {
    let stored: Option<Option<String>> = app_settings::table
        .find(key)
        .select(app_settings::value)
        .first(conn)
        .optional()?;
    match stored.flatten() {
        None => Ok(None),
        Some(json) => serde_json::from_str(&json)
            .map(Some)
            .map_err(|source| DbError::BadSetting {
                key: key.to_owned(),
                source,
            }),
    }
}

/// Saves a setting, replacing any earlier value.
pub fn set<T: Serialize + ?Sized>(conn: &mut SqliteConnection, key: &str, value: &T) -> Result<(), DbError> {
    let json = serde_json::to_string(value).map_err(|source| DbError::BadSetting {
        key: key.to_owned(),
        source,
    })?;
    diesel::insert_into(app_settings::table)
        .values((app_settings::key.eq(key), app_settings::value.eq(&json)))
        .on_conflict(app_settings::key)
        .do_update()
        .set(app_settings::value.eq(&json))
        .execute(conn)?;
    Ok(())
}

/// Forgets a setting; returns whether it existed.
pub fn remove(conn: &mut SqliteConnection, key: &str) -> Result<bool, DbError> {
    Ok(diesel::delete(app_settings::table.find(key)).execute(conn)? > 0)
}

/// Every stored setting as its JSON text, by key.
pub fn all_raw(conn: &mut SqliteConnection) -> Result<Vec<(String, Option<String>)>, DbError> {
    Ok(app_settings::table
        .select((app_settings::key, app_settings::value))
        .order(app_settings::key.asc())
        .load(conn)?)
}

/// Stores settings as read by [`all_raw`] (copied from another database), replacing any
/// with the same keys, in one transaction.
pub fn set_all_raw(conn: &mut SqliteConnection, rows: &[(String, Option<String>)]) -> Result<(), DbError> {
    crate::db::transaction::write(conn, |conn| {
        for (key, value) in rows {
            diesel::insert_into(app_settings::table)
                .values((app_settings::key.eq(key), app_settings::value.eq(value)))
                .on_conflict(app_settings::key)
                .do_update()
                .set(app_settings::value.eq(value))
                .execute(conn)?;
        }
        Ok(())
    })
}
