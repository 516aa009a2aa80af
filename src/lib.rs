//! Distillery: local AI image generation and a fast library for culling what it makes.
//!
#![doc = include_str!("../docs/layers.md")]
#![deny(unsafe_code)]

pub mod app;
pub mod browse;
pub mod cli;
pub mod db;
pub mod desktop;
pub mod engine;
pub mod export;
pub mod format;
pub mod generation;
pub mod i18n;
pub mod import;
pub mod library;
pub mod logging;
pub mod queue;
pub mod remote;
pub mod services;
pub mod settings;
pub mod ui;
pub mod xmp;
