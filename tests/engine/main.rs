//! The engine protocol, the simulated engine as a child process, and the generation pipeline over it.
//! One test binary for all of them: each binary links the whole app, so one per file
//! cost gigabytes of disk and minutes of linking.

#[path = "../common/mod.rs"]
mod common;

mod conformance;
mod pipeline;
mod sim_protocol;
