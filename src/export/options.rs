//! What an export makes: the format, size, quality, names and metadata of the copies.

use super::NameTemplate;
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ExportFormat {
    #[default]
    Png,
    Jpeg,
    Webp,
}

impl ExportFormat {
    pub fn extension(self) -> &'static str {
        match self {
            ExportFormat::Png => "png",
            ExportFormat::Jpeg => "jpg",
            ExportFormat::Webp => "webp",
        }
    }

    pub fn parse(typed: &str) -> Option<Self> {
        match typed.trim().to_ascii_lowercase().as_str() {
            "png" => Some(ExportFormat::Png),
            "jpeg" | "jpg" => Some(ExportFormat::Jpeg),
            "webp" => Some(ExportFormat::Webp),
            _ => None,
        }
    }
}

/// How large the copies are: as the original, or with the long edge at most N pixels
/// (never enlarged).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ExportSize {
    #[default]
    Original,
    LongEdge(u32),
}

/// What the copies tell about themselves. Prompts can be private, so stripping is a choice
/// as easy as keeping.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum MetadataChoice {
    /// Rating, keywords and the generation's parameters (prompt, model, seed…) as XMP.
    Keep,
    /// Rating and keywords as XMP, no prompt or parameters.
    #[default]
    Xmp,
    /// Nothing but pixels.
    Strip,
}

impl MetadataChoice {
    pub fn parse(typed: &str) -> Option<Self> {
        match typed.trim().to_ascii_lowercase().as_str() {
            "keep" => Some(MetadataChoice::Keep),
            "xmp" => Some(MetadataChoice::Xmp),
            "strip" => Some(MetadataChoice::Strip),
            _ => None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct ExportOptions {
    pub folder: PathBuf,
    pub format: ExportFormat,
    pub size: ExportSize,
    /// 1–100, for JPEG and WebP (PNG is lossless).
    pub quality: u8,
    pub names: NameTemplate,
    pub metadata: MetadataChoice,
}

impl ExportOptions {
    pub const DEFAULT_QUALITY: u8 = 90;
}
