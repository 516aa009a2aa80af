//! The application's rules, free of Slint: what culling, browsing, deleting, undo, stacks,
//! importing, checking and the settings mean for the catalogue. The window's adapters and
//! the command line both call these, so a rating set by `distillery rate` and by the 4 key
//! is the same write.
//!
//! The window holds a [`Catalog`] and asks it things through [`Call`]s (awaited on the
//! event loop, never blocking it); the command line calls the rule functions over a
//! connection directly. The window names the catalogue's types through [`model`].

mod catalog;
pub mod collections;
pub mod culling;
pub mod details;
pub mod exporting;
pub mod finished_work;
pub mod history;
pub mod hosted;
pub mod job_prompts;
pub mod keywords;
pub mod labels;
pub mod listing;
pub mod model;
pub mod originals;
pub mod references;
pub mod repair;
pub mod saved_filter;
pub mod settings_form;
pub mod sidecars;
pub mod window_feeds;

mod browsing;
mod importing;
mod library_check;
mod preferences;
mod running;
mod stacks;
mod trash;

pub use browsing::Refreshed;
pub use catalog::{Call, Catalog};
pub use running::{ApplyEngineSettings, Services};
