//! Whole `distillery` processes: the command line, many processes on one library, hosted providers, the real window under Xvfb.
//! One test binary for all of them: each binary links the whole app, so one per file
//! cost gigabytes of disk and minutes of linking.

#[path = "../common/mod.rs"]
mod common;

mod cli;
mod cli_culling;
mod e2e_window_and_cli;
mod e2e_xvfb;
mod hosted_providers;
mod hosted_recovery;
mod many_processes;
mod notifications;
mod pipeline_cli;
mod soak;
mod wayland;
