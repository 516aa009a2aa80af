//! The library on disk: where originals, thumbnails and working files live.

mod error;
pub mod paths;

pub use error::LibraryError;
pub use paths::{LibraryFolder, LibraryRoot};
