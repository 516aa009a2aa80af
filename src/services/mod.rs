//! The application's rules, free of Slint: what culling, listing (and, step by step, the rest
//! of what the window does) mean for the catalogue. The window's adapters and the command
//! line both call these, so a rating set by `distillery rate` and by the 4 key is the same
//! write. Each rule is a function over a database connection (run on the database thread)
//! with an async form for callers on the runtime.

pub mod culling;
pub mod details;
pub mod listing;
