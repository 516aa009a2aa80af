use std::path::PathBuf;

/// What can go wrong with the library folder. Messages name the path and what to do.
#[derive(Debug, thiserror::Error)]
pub enum LibraryError {
    #[error("the library folder {path} is a file, not a folder. Choose a folder with --library.")]
    RootIsFile { path: PathBuf },

    #[error("cannot create the library folder {path}: {source}. Choose a folder you can write to with --library.")]
    CannotCreate {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("the library folder {path} is not writable: {source}. Choose a folder you can write to with --library.")]
    NotWritable {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("{path:?} is not a path inside the library")]
    OutsideLibrary { path: String },

    #[error("no home folder was found for the default library; pass --library DIR")]
    NoHomeDir,

    #[error("the disk holding {path} is full. Free some space and try again; nothing was lost.")]
    DiskFull { path: PathBuf },

    #[error("cannot write {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("{path} {reason}")]
    Unreadable { path: PathBuf, reason: String },

    #[error("cannot encode {path}: {reason}")]
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
