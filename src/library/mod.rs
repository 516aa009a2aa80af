//! The library on disk: where originals, thumbnails and working files live.

pub mod check;
pub mod decode;
pub mod delete;
pub mod display;
mod error;
pub mod files;
pub mod identity;
pub mod in_flight;
pub mod paths;
pub mod png_text;
pub mod references;
pub mod regular_file;
pub mod store;
pub mod synthetic;
pub mod thumbnails;
pub mod trash;
pub mod untrash;

pub use error::LibraryError;
pub use paths::{LibraryFolder, LibraryRoot};
