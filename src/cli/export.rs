//! `distillery export`: copies of library images in a chosen format, size and naming.

use super::FilterArgs;
use crate::export::{ExportFormat, MetadataChoice, NameTemplate};
use clap::Args;
use std::path::PathBuf;

#[derive(Debug, Clone, Args)]
pub struct ExportArgs {
    /// The folder to write into (made if missing; never inside the library).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,
    /// png, jpeg or webp.
    #[arg(long, default_value = "png", value_parser = parse_format)]
    pub format: ExportFormat,
    /// Scale down so the long edge is at most N pixels (never up). Default: original size.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(16..=65535))]
    pub long_edge: Option<u32>,
    /// JPEG and WebP quality, 1–100.
    #[arg(long, value_name = "Q", default_value_t = crate::export::ExportOptions::DEFAULT_QUALITY,
          value_parser = clap::value_parser!(u8).range(1..=100))]
    pub quality: u8,
    /// File names: text with {date}, {time}, {seed}, {prompt}, {counter}, {name}, {id},
    /// {rating}. A name already in the folder gets " (2)" and so on: nothing is overwritten.
    #[arg(long = "name", value_name = "TEMPLATE", default_value = NameTemplate::DEFAULT, value_parser = parse_template)]
    pub names: NameTemplate,
    /// keep (rating, keywords, prompt and parameters as XMP), xmp (rating and keywords only)
    /// or strip (nothing but pixels).
    #[arg(long, default_value = "xmp", value_parser = parse_metadata)]
    pub metadata: MetadataChoice,
    /// Only these items (repeatable), instead of or within the filters.
    #[arg(long = "id", value_name = "ID")]
    pub ids: Vec<String>,
    #[command(flatten)]
    pub filter: FilterArgs,
}

fn parse_format(typed: &str) -> Result<ExportFormat, String> {
    ExportFormat::parse(typed).ok_or_else(|| format!("'{typed}' is not a format: use png, jpeg or webp"))
}

fn parse_metadata(typed: &str) -> Result<MetadataChoice, String> {
    MetadataChoice::parse(typed).ok_or_else(|| format!("'{typed}' is not a metadata choice: use keep, xmp or strip"))
}

fn parse_template(typed: &str) -> Result<NameTemplate, String> {
    NameTemplate::parse(typed).map_err(|problem| problem.to_string())
}
