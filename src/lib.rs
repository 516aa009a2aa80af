//! Distillery: local AI image generation and a fast library for culling what it makes.
//!
//! Layers, each depending only on those below it: `ui` (Slint adapters) -> `settings`,
//! `library` -> `db` (SQLite). `app` wires them together; `cli` and `logging` serve `main`.
#![deny(unsafe_code)]

pub mod app;
pub mod browse;
pub mod cli;
pub mod db;
pub mod desktop;
pub mod engine;
pub mod format;
pub mod generation;
pub mod import;
pub mod library;
pub mod logging;
pub mod queue;
pub mod services;
pub mod settings;
pub mod ui;
