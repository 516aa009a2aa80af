//! What the Export dialog was last set to (destination, format, size, quality, names,
//! metadata): offered again next time, in this window and after a restart. They belong to
//! the person, not the library, so they go with a switch to another library.

use crate::db::{DbError, app_settings};
use diesel::SqliteConnection;
use serde::{Deserialize, Serialize};

const KEY: &str = "export.choices";

/// The dialog's fields as saved. Unknown fields are ignored and missing ones read as empty
/// (the dialog keeps its own default for an empty folder or template), so choices saved by
/// another version still open.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ExportChoices {
    pub folder: String,
    /// 0 PNG, 1 JPEG, 2 WebP.
    pub format: u8,
    /// The long edge in pixels; `None` for the original size.
    pub long_edge: Option<u32>,
    pub quality: u8,
    pub template: String,
    /// 0 keep everything, 1 rating and keywords, 2 nothing.
    pub metadata: u8,
}

/// The last export's choices, if there was one.
pub fn load_export_choices(conn: &mut SqliteConnection) -> Result<Option<ExportChoices>, DbError> {
    match app_settings::get::<ExportChoices>(conn, KEY) {
        // A value that no longer reads (hand-edited) is as if none had been saved.
        Err(DbError::BadSetting { .. }) => Ok(None),
        read => read,
    }
}

pub fn save_export_choices(conn: &mut SqliteConnection, choices: &ExportChoices) -> Result<(), DbError> {
    app_settings::set(conn, KEY, choices)
}
