//! What the Settings dialog shows when it opens: the stored settings, each stored path
//! checked, and a model set found in the models folder. Read off the UI thread.

use crate::db::Database;
use crate::engine::model_check::ModelKind;
use crate::settings::{self, EngineSettings, GenerationDefaults, ModelFiles};
use std::path::Path;

/// What the dialog shows when it opens.
pub(super) struct Loaded {
    pub(super) engine: EngineSettings,
    pub(super) defaults: GenerationDefaults,
    pub(super) base_models: Vec<String>,
    pub(super) detected: Option<ModelFiles>,
    pub(super) checks: [Result<String, String>; 3],
    pub(super) engine_check: Option<Result<String, String>>,
    /// The cn-engine that came with the app: its version and folder, or why it does not run.
    pub(super) bundled_engine: Option<Result<String, String>>,
    /// Why the demo engine cannot run (its file is missing), if it cannot.
    pub(super) demo_engine_problem: Option<String>,
}

pub(super) fn load(db: &Database, models_dir: Option<&Path>) -> Result<Loaded, crate::db::DbError> {
    let (engine, defaults, base_models) = db.call_blocking(|conn| {
        let names = crate::db::base_models::list(conn)?
            .into_iter()
            .map(|b| b.name)
            .collect();
        Ok((
            settings::read_engine_settings(conn)?,
            settings::generation_defaults(conn)?,
            names,
        ))
    })?;
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
        .map_err(|problem| format!("The engine that came with Distillery does not start: {problem}"))
}
