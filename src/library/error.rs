use std::path::PathBuf;

/// What can go wrong with the library folder. Messages name the path and what to do.
#[derive(Debug, thiserror::Error)]
pub enum LibraryError {
    #[error("the library folder {path} is a file, not a folder. Choose a folder with --library.")]
    RootIsFile { path: PathBuf },

    #[error(
        "cannot create the library folder {path}: {source}. Choose a folder you can write to with --library."
    )]
    CannotCreate {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error(
        "the library folder {path} is not writable: {source}. Choose a folder you can write to with --library."
    )]
    NotWritable {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("{path:?} is not a path inside the library")]
    OutsideLibrary { path: String },

    #[error("no home folder was found for the default library; pass --library DIR")]
    NoHomeDir,
}
