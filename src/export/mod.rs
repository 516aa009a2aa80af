//! Export: copies of library images written somewhere else, in a chosen format and size,
//! named by a template, with the metadata the user chose, never over an existing file, and
//! never as a partial file. This layer renders and writes one image; the services pick the
//! images and run the batch.

mod name_template;
mod no_clobber;
mod options;
mod render;

pub use name_template::{NameFields, NameTemplate, TemplateProblem};
pub use no_clobber::{WriteProblem, write_new};
pub use options::{ExportFormat, ExportOptions, ExportSize, MetadataChoice};
pub use render::{RenderedImage, render};
