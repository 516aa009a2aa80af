//! The window in Slint's testing backend, driven by pointer, touch and keys: one module per view or flow.
//! One test binary for all of them: each binary links the whole app, so one per file
//! cost gigabytes of disk and minutes of linking.

#[path = "../common/mod.rs"]
mod common;

/// What a rendered frame holds, for the previews and the sample defaults.
mod colours;
/// The preview example's list of components, for the previews test.
#[path = "../../examples/preview/components.rs"]
mod components;

mod compare;
mod delete_rejected;
mod engine_status;
mod export;
mod generate_flow;
mod generation;
mod grid;
mod import;
mod info;
mod keywords;
mod labels;
mod library_switch;
mod loupe;
mod loupe_touch;
mod more_filters;
mod notifications;
mod organise;
mod origin_filter;
mod previews;
mod queue;
mod references;
mod restart;
mod sample_defaults;
mod settings;
mod shell;
mod shortcuts;
mod tab_order;
mod undo;
mod variations;
