//! The components, globals and structs declared in the .slint files of this directory, as
//! Rust types. Behaviour lives in the `distillery` crate, which binds these to its services.

slint::include_modules!();
