//! The library database: SQLite through diesel, owned by one worker thread.
//!
//! The UI thread never touches SQLite. Callers hand a closure to [`Database`], which runs it
//! on the database thread and answers through a future (or, outside the event loop, by
//! blocking). One repository module per table holds the SQL.

pub mod changes;
mod close;
pub mod connection;
mod error;
mod filter_terms;
mod open;
mod open_checks;
mod open_errors;
pub mod ownership;
pub mod schema;
pub mod types;
mod worker;

pub mod app_settings;
pub mod base_models;
pub mod collections;
pub mod generation_inputs;
pub mod generations;
pub mod jobs;
pub mod keywords;
pub mod labels;
pub mod media;
mod media_filter;
pub mod media_history;
pub mod media_query;
pub mod missing_originals;
pub mod names;
mod prepared;
pub mod queue;
pub mod remote_requests;
pub mod stacks;
pub mod transaction;
mod view_item;
mod view_source;

pub use error::DbError;
pub use open::{OpenedDatabase, SchemaReport, open_database};
pub use ownership::Ownership;
pub use worker::Database;

/// Every migration this build knows, embedded in the binary and applied at start.
pub const MIGRATIONS: diesel_migrations::EmbeddedMigrations = diesel_migrations::embed_migrations!("migrations");
