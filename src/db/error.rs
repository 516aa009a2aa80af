use std::path::PathBuf;

/// What can go wrong with the library database. Each message names the file and says
/// what the user can do; the underlying cause is kept as the source.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error(
        "{path} is not a Distillery database (it is not an SQLite file). It was left untouched; move it away or choose another data folder with --data-dir."
    )]
    NotSqlite { path: PathBuf },

    #[error(
        "{path} is an SQLite database of another program, not a Distillery library. It was left untouched; choose another data folder with --data-dir."
    )]
    ForeignDatabase { path: PathBuf },

    #[error(
        "{path} is damaged ({detail}). It was left untouched; restore it from a backup or move it away to start a new library database."
    )]
    Corrupt { path: PathBuf, detail: String },

    #[error(
        "{path} was written by a newer version of Distillery (schema {found}; this version knows up to {known}). It was left untouched; open it with a newer Distillery."
    )]
    NewerSchema {
        path: PathBuf,
        found: String,
        known: String,
    },

    #[error(
        "{path} is missing or empty, but {wal} beside it holds {wal_size} bytes of the catalogue: the library database is damaged. Both files were left untouched; copy them somewhere safe, then restore {path} from a backup."
    )]
    LoneWal { path: PathBuf, wal: PathBuf, wal_size: u64 },

    #[error(
        "the database {path} cannot be written: {cause} ({detail}). Free some space or choose a writable data folder with --data-dir."
    )]
    Unwritable {
        path: PathBuf,
        cause: String,
        detail: String,
    },

    #[error(
        "{path} is being created or updated by {owner}, which has not finished after a minute. Try again when it has, or close it."
    )]
    SchemaNotReady { path: PathBuf, owner: String },

    #[error("{}", crate::i18n::fill(&crate::i18n::tr("cannot open the database {}: {}"), &[&.path.display().to_string(), &.source.to_string()]))]
    Open {
        path: PathBuf,
        #[source]
        source: diesel::ConnectionError,
    },

    #[error("{}", crate::i18n::fill(&crate::i18n::tr("cannot read or create the data folder {}: {}"), &[&.path.display().to_string(), &.source.to_string()]))]
    DataDir {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("{}", crate::i18n::fill(&crate::i18n::tr("updating the database schema failed: {}"), &[&.0.to_string()]))]
    Migration(String),

    #[error("{}", crate::i18n::fill(&crate::i18n::tr("database query failed: {}"), &[&.0.to_string()]))]
    Query(#[from] diesel::result::Error),

    #[error("{}", crate::i18n::fill(&crate::i18n::tr("stored setting {} is not valid: {}"), &[&format!("{:?}", .key), &.source.to_string()]))]
    BadSetting {
        key: String,
        #[source]
        source: serde_json::Error,
    },

    #[error("{}", crate::i18n::tr("the database worker has stopped"))]
    WorkerGone,
}

impl DbError {
    /// A query that failed because the database file cannot be written (a full disk, a
    /// read-only folder) becomes [`DbError::Unwritable`] naming `path` and the cause.
    pub fn naming(self, path: &std::path::Path) -> Self {
        let DbError::Query(error) = &self else { return self };
        let text = error.to_string();
        let cause = if text.contains("disk is full") {
            "the disk is full"
        } else if text.contains("readonly")
            || text.contains("read-only")
            || text.contains("unable to open database file")
        {
            "its folder is read-only or cannot be reached"
        } else {
            return self;
        };
        DbError::Unwritable {
            path: path.to_owned(),
            cause: cause.to_owned(),
            detail: text,
        }
    }

    /// True when the error means the file itself is unusable (not just one query).
    pub fn is_unusable_file(&self) -> bool {
        matches!(
            self,
            DbError::NotSqlite { .. }
                | DbError::ForeignDatabase { .. }
                | DbError::Corrupt { .. }
                | DbError::NewerSchema { .. }
                | DbError::LoneWal { .. }
        )
    }
}
