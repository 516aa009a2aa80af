//! The Settings dialog's form, checked: which engine to run, which model files to load, how
//! to load them, and the sampling defaults. Checking reads files and runs `--version`, so it
//! belongs off the UI thread.

use super::{EngineOptions, EngineSource, GenerationDefaults, ModelFiles};
use crate::db::{DbError, app_settings};
use crate::engine::model_check::{ModelKind, check_model_file};
use diesel::SqliteConnection;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// How long a binary may take to answer `--version` before it is judged not to be cn-engine.
const VERSION_LIMIT: Duration = Duration::from_secs(10);

/// The dialog's fields as the user left them.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SettingsForm {
    /// Diffusion model, VAE, text encoder (as [`ModelKind::ALL`]); all empty for none.
    pub models: [String; 3],
    pub base_model: Option<String>,
    /// Which engine; for [`EnginePick::Binary`] the path is `engine_path`.
    pub engine: EnginePick,
    pub engine_path: String,
    pub options: EngineOptions,
    pub steps: i32,
    pub guidance: String,
    pub sampler: String,
}

/// The engine picked in the form (the binary's path is a field of its own).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum EnginePick {
    #[default]
    CameWithApp,
    Demo,
    Binary,
}

/// What the engine runs and loads, as stored.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct EngineSettings {
    pub source: EngineSource,
    pub models: Option<ModelFiles>,
    pub options: EngineOptions,
}

/// A form that passed every check.
#[derive(Debug, Clone, PartialEq)]
pub struct CheckedSettings {
    pub engine: EngineSettings,
    pub defaults: GenerationDefaults,
}

/// Why a form cannot be saved, field by field (sentence fragments about the named file).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FormProblems {
    pub models: [Option<String>; 3],
    pub engine: Option<String>,
    pub defaults: Option<String>,
}

impl FormProblems {
    pub fn is_empty(&self) -> bool {
        self.models.iter().all(Option::is_none) && self.engine.is_none() && self.defaults.is_none()
    }

    /// One line for the dialog's footer.
    pub fn summary(&self) -> String {
        use crate::i18n::tr;
        let mut parts = Vec::new();
        if self.models.iter().any(Option::is_some) {
            parts.push(tr("a model file cannot be used"));
        }
        if self.engine.is_some() {
            parts.push(tr("the engine binary cannot be used"));
        }
        if self.defaults.is_some() {
            parts.push(tr("a generation default is out of range"));
        }
        crate::format::sentence(&crate::i18n::fill(&tr("Not saved: {}"), &[&parts.join(", ")]))
    }
}

/// Checks one model field: a note for a usable file ("2.15 GB"), else the problem naming it.
pub fn check_model_field(kind: ModelKind, text: &str) -> Result<String, String> {
    let path = Path::new(text.trim());
    check_model_file(kind, path)
        .map(|checked| crate::format::file_size(checked.bytes as i64))
        .map_err(|problem| format!("{} {problem}", shown_name(path)))
}

/// Checks an engine binary: its `--version` line, else the problem naming it.
pub fn check_engine_binary(text: &str) -> Result<String, String> {
    let path = Path::new(text.trim());
    if text.trim().is_empty() {
        return Err("Choose the cn-engine binary, or use the demo engine".into());
    }
    match std::fs::metadata(path) {
        Err(_) => return Err(format!("{} does not exist", shown_name(path))),
        Ok(metadata) if metadata.is_dir() => return Err(format!("{} is a folder, not a program", shown_name(path))),
        Ok(_) => {}
    }
    crate::engine::engine_version_blocking(path, VERSION_LIMIT).map_err(|error| match error {
        crate::engine::EngineError::NotAnEngine { reason, .. } => {
            format!("{} does not look like cn-engine ({reason})", shown_name(path))
        }
        crate::engine::EngineError::Spawn { reason, .. } => {
            format!("{} cannot be run ({reason})", shown_name(path))
        }
        other => other.to_string(),
    })
}

fn shown_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

/// Checks the whole form. Model files are all three or none; the engine binary must answer
/// `--version` unless the demo engine is chosen; the defaults must be in range.
pub fn check_form(form: &SettingsForm) -> Result<CheckedSettings, FormProblems> {
    let mut problems = FormProblems::default();
    let chosen = form.models.iter().any(|m| !m.trim().is_empty());
    if chosen {
        for (at, kind) in ModelKind::ALL.into_iter().enumerate() {
            problems.models[at] = check_model_field(kind, &form.models[at]).err();
        }
    }
    if form.engine == EnginePick::Binary {
        problems.engine = check_engine_binary(&form.engine_path).err();
    }
    let guidance = form.guidance.trim().replace(',', ".").parse::<f64>().ok();
    let defaults = GenerationDefaults {
        steps: u32::try_from(form.steps).unwrap_or(0),
        guidance: guidance.unwrap_or(f64::NAN),
        sampler: form.sampler.clone(),
    };
    if !(1..=150).contains(&defaults.steps) {
        problems.defaults = Some("Steps must be between 1 and 150".into());
    } else if !(0.0..=30.0).contains(&defaults.guidance) {
        problems.defaults = Some("Guidance must be a number from 0 to 30".into());
    } else if defaults.clone().checked() != defaults {
        problems.defaults = Some(format!("{} is not a sampler the engine knows", form.sampler));
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let path = |text: &str| PathBuf::from(text.trim());
    let models = chosen.then(|| ModelFiles {
        diffusion_model: path(&form.models[0]),
        vae: path(&form.models[1]),
        llm: path(&form.models[2]),
        base_model: form.base_model.clone(),
    });
    Ok(CheckedSettings {
        engine: EngineSettings {
            source: match form.engine {
                EnginePick::CameWithApp => EngineSource::CameWithApp,
                EnginePick::Demo => EngineSource::Demo,
                EnginePick::Binary => EngineSource::Binary(path(&form.engine_path)),
            },
            models,
            options: form.options,
        },
        defaults,
    })
}

/// The engine settings as stored (each unreadable value falls back to its default).
pub fn read_engine_settings(conn: &mut SqliteConnection) -> Result<EngineSettings, DbError> {
    Ok(EngineSettings {
        source: super::engine_source(conn)?,
        models: super::model_files(conn)?,
        options: super::engine_options(conn)?,
    })
}

/// Stores a checked form, all of it or nothing.
pub fn save_checked(conn: &mut SqliteConnection, checked: &CheckedSettings) -> Result<(), DbError> {
    crate::db::transaction::write(conn, |conn| {
        super::set_engine_source(conn, &checked.engine.source)?;
        match &checked.engine.models {
            Some(models) => super::set_model_files(conn, models)?,
            None => {
                app_settings::remove(conn, super::engine::MODEL_FILES)?;
            }
        }
        super::set_engine_options(conn, &checked.engine.options)?;
        super::set_generation_defaults(conn, &checked.defaults)
    })
}
