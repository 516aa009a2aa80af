//! Environment overrides for scripted set-ups: `DISTILLERY_LIBRARY` (library folder),
//! `DISTILLERY_ENGINE` (a cn-engine binary, or `demo`) and `DISTILLERY_MODELS` (a folder
//! holding the model files). Command-line flags win over these, and these over settings.

use crate::cli::{EngineChoice, parse_engine};
use crate::settings::ModelFiles;
use crate::settings::model_folder::find_models;
use std::path::{Path, PathBuf};

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// `DISTILLERY_LIBRARY`, if set.
pub fn library() -> Option<PathBuf> {
    var("DISTILLERY_LIBRARY").map(PathBuf::from)
}

/// `DISTILLERY_ENGINE`, if set.
pub fn engine() -> Option<EngineChoice> {
    var("DISTILLERY_ENGINE").and_then(|text| parse_engine(&text).ok())
}

/// The model files in `DISTILLERY_MODELS`, if it is set; an error says what is missing.
pub fn models() -> Option<Result<ModelFiles, String>> {
    var("DISTILLERY_MODELS").map(|dir| find_models(Path::new(&dir)))
}
