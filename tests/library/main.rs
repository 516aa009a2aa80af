//! The library without a window: database, files, imports, metadata, checks and repairs.
//! One test binary for all of them: each binary links the whole app, so one per file
//! cost gigabytes of disk and minutes of linking.

#[path = "../common/mod.rs"]
mod common;

mod base_models;
mod browse_pages;
mod collections;
mod db_bad_files;
mod db_query_plans;
mod db_repositories;
mod db_schema;
mod demo_library;
mod desktop_clipboard;
mod export;
mod file_chooser;
mod hostile_files;
mod import;
mod keywords;
mod labels;
mod library_check;
mod prompt_search;
mod read_only_library;
mod repair_live;
mod services;
mod stacks;
mod undo_delete;
mod xmp;
mod xmp_sidecars;
