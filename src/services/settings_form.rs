//! The Settings dialog's rules: what it shows when it opens (the stored settings, each
//! stored path checked, a model set found in the models folder) and saving a checked form.
//! Both block (they read files): the window runs them off the UI thread.

use super::catalog::Catalog;
use crate::engine::model_check::ModelKind;
use crate::settings::{self, EngineSettings, GenerationDefaults, ModelFiles};
use std::path::Path;

/// What the dialog shows when it opens.
pub struct Loaded {
    pub engine: EngineSettings,
    pub defaults: GenerationDefaults,
    pub base_models: Vec<String>,
    pub detected: Option<ModelFiles>,
    pub checks: [Result<String, String>; 3],
    pub engine_check: Option<Result<String, String>>,
    /// The cn-engine that came with the app: its version and folder, or why it does not run.
    pub bundled_engine: Option<Result<String, String>>,
    /// Why the demo engine cannot run (its file is missing), if it cannot.
    pub demo_engine_problem: Option<String>,
}

/// Why a form was not saved.
pub enum Saving {
    /// What the form's fields must change first.
    Problems(settings::FormProblems),
    /// The check passed but storing failed.
    Failed(String),
}

impl Catalog {
    /// The form as stored, checked, with the models found in `models_dir`. Blocking.
    pub fn read_settings(&self, models_dir: Option<&Path>) -> Result<Loaded, crate::db::DbError> {
        read(self, models_dir)
    }

    /// Checks `form` and stores it when it passes. Blocking.
    pub fn save_settings(&self, form: &settings::SettingsForm) -> Result<settings::CheckedSettings, Saving> {
        let checked = settings::check_form(form).map_err(Saving::Problems)?;
        let stored = checked.clone();
        self.call(move |conn| settings::save_checked(conn, &stored))
            .wait()
            .map_err(|e| Saving::Failed(e.to_string()))?;
        Ok(checked)
    }
}

fn read(catalog: &Catalog, models_dir: Option<&Path>) -> Result<Loaded, crate::db::DbError> {
    let (engine, defaults, base_models) = catalog
        .call(|conn| {
            let names = crate::db::base_models::list(conn)?
                .into_iter()
                .map(|b| b.name)
                .collect();
            Ok((
                settings::read_engine_settings(conn)?,
                settings::generation_defaults(conn)?,
                names,
            ))
        })
        .wait()?;
    let detected = models_dir.and_then(|dir| crate::settings::model_folder::find_models(dir).ok());
    let checks = match &engine.models {
        Some(m) => {
            let paths = m.paths();
            std::array::from_fn(|at| settings::check_model_field(ModelKind::ALL[at], &paths[at].display().to_string()))
        }
        None => [Ok(String::new()), Ok(String::new()), Ok(String::new())],
    };
    let engine_check = match &engine.source {
        settings::EngineSource::Binary(binary) => Some(settings::check_engine_binary(&binary.display().to_string())),
        _ => None,
    };
    let bundled_engine = crate::engine::bundled_engine_path().map(|path| describe_bundled(&path));
    Ok(Loaded {
        engine,
        defaults,
        base_models,
        detected,
        checks,
        engine_check,
        bundled_engine,
        demo_engine_problem: crate::engine::demo_engine_problem(),
    })
}

/// "cn-engine 0.4.0 (3f2a9c1), in /usr/lib/distillery/bin", or why it does not run.
fn describe_bundled(path: &Path) -> Result<String, String> {
    let folder = path.parent().map(crate::format::display_path).unwrap_or_default();
    settings::check_engine_binary(&path.display().to_string())
        .map(|version| format!("{version}, in {folder}"))
        .map_err(|problem| {
            crate::i18n::fill(
                &crate::i18n::tr("The engine that came with Distillery does not start: {}"),
                &[&problem.to_string()],
            )
        })
}
