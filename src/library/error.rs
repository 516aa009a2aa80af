use std::path::PathBuf;

/// What can go wrong with the library folder. Messages name the path and what to do.
#[derive(Debug, thiserror::Error)]
pub enum LibraryError {
    #[error("{}", crate::i18n::fill(&crate::i18n::tr("the library folder {} is a file, not a folder. Choose a folder with --library."), &[&.path.display().to_string()]))]
    RootIsFile { path: PathBuf },

    #[error("{}", crate::i18n::fill(&crate::i18n::tr("cannot create the library folder {}: {}. Choose a folder you can write to with --library."), &[&.path.display().to_string(), &.source.to_string()]))]
    CannotCreate {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("{}", crate::i18n::fill(&crate::i18n::tr("the library folder {} is not writable: {}. Choose a folder you can write to with --library."), &[&.path.display().to_string(), &.source.to_string()]))]
    NotWritable {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("{}", crate::i18n::fill(&crate::i18n::tr("{} is not a path inside the library"), &[&format!("{:?}", .path)]))]
    OutsideLibrary { path: String },

    #[error(
        "{}",
        crate::i18n::tr("no home folder was found for the default library; pass --library DIR")
    )]
    NoHomeDir,

    #[error("{}", crate::i18n::fill(&crate::i18n::tr("the disk holding {} is full. Free some space and try again; nothing was lost."), &[&.path.display().to_string()]))]
    DiskFull { path: PathBuf },

    #[error("{}", crate::i18n::fill(&crate::i18n::tr("cannot write {}: {}"), &[&.path.display().to_string(), &.source.to_string()]))]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("{path} {reason}")]
    Unreadable { path: PathBuf, reason: String },

    #[error("{}", crate::i18n::fill(&crate::i18n::tr("cannot encode {}: {}"), &[&.path.display().to_string(), &.reason.to_string()]))]
    Encode { path: PathBuf, reason: String },
}

impl LibraryError {
    /// An I/O failure at `path`, told apart when it is a full disk.
    pub fn io(path: &std::path::Path, source: std::io::Error) -> Self {
        let full = source.kind() == std::io::ErrorKind::StorageFull || source.raw_os_error() == Some(28);
        if full {
            LibraryError::DiskFull { path: path.to_owned() }
        } else {
            LibraryError::Io {
                path: path.to_owned(),
                source,
            }
        }
    }
}
