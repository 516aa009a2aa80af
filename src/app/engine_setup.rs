//! Which engine to run and which model to load at start.
//!
//! The engine is `--engine PATH|demo`, else `DISTILLERY_ENGINE`, else the one picked in
//! Settings: a cn-engine binary, the demo engine, or (the default) the engine that came with
//! the app, which is a packaged `cn-engine` in the app's resources (see `engine::bundled`),
//! else the demo engine (`cn-engine-sim`). A binary or the demo engine picked in Settings
//! wins over the bundled one, so a CUDA or test build, or the demo, can be tried without
//! uninstalling anything. Model files
//! come from `DISTILLERY_MODELS` (a folder), else settings, else `CN_MODEL_DIFFUSION`,
//! `CN_MODEL_VAE` and `CN_MODEL_LLM`. The demo engine loads a
//! simulated model so the whole product works at once; a real engine without model files
//! stays idle until they are chosen.

use super::AppContext;
use crate::cli::EngineChoice;
use crate::engine::protocol::LoadParams;
use crate::engine::{EngineConfig, bundled_engine_path, demo_engine_path};
use crate::library::LibraryFolder;
use crate::settings::{self, EngineSource, ModelFiles};
use std::path::PathBuf;

/// The model name the demo engine reports.
pub const DEMO_MODEL: &str = "FLUX.2 Klein (demo)";

#[derive(Debug, Clone)]
pub struct EnginePlan {
    pub config: EngineConfig,
    pub is_demo: bool,
    /// Loaded as soon as the engine is up.
    pub initial_load: Option<LoadParams>,
}

pub fn plan(ctx: &AppContext) -> anyhow::Result<EnginePlan> {
    let stored = ctx.db.call_blocking(settings::read_engine_settings)?;
    plan_for(ctx.engine.as_ref(), &stored, &ctx.library)
}

/// The plan for `stored` settings, with `--engine` or `DISTILLERY_ENGINE` (`chosen`) and
/// `DISTILLERY_MODELS` winning over them.
pub fn plan_for(
    chosen: Option<&EngineChoice>,
    stored: &settings::EngineSettings,
    library: &crate::library::LibraryRoot,
) -> anyhow::Result<EnginePlan> {
    let choice = engine_choice(chosen, &stored.source, bundled_engine_path());
    plan_choice(choice, stored, library)
}

/// The engine that runs: `chosen` (flag or environment), else the one picked in Settings,
/// where "the one that came with the app" is `bundled` if there is one, else the demo engine.
fn engine_choice(chosen: Option<&EngineChoice>, stored: &EngineSource, bundled: Option<PathBuf>) -> EngineChoice {
    match (chosen, stored) {
        (Some(choice), _) => choice.clone(),
        (None, EngineSource::Binary(binary)) => EngineChoice::Binary(binary.clone()),
        (None, EngineSource::Demo) => EngineChoice::Demo,
        (None, EngineSource::CameWithApp) => bundled.map_or(EngineChoice::Demo, EngineChoice::Binary),
    }
}

fn plan_choice(
    choice: EngineChoice,
    stored: &settings::EngineSettings,
    library: &crate::library::LibraryRoot,
) -> anyhow::Result<EnginePlan> {
    let (binary, is_demo) = match choice {
        EngineChoice::Demo => (demo_engine_path()?, true),
        EngineChoice::Binary(path) => (path, false),
    };
    let workdir = library.folder(LibraryFolder::Tmp)?.join("engine");
    let from_folder = match super::environment::models() {
        Some(Ok(models)) => Some(models),
        Some(Err(problem)) => {
            tracing::warn!(%problem, "DISTILLERY_MODELS is set but its model files were not all found");
            None
        }
        None => None,
    };
    let options = stored.options;
    let models = from_folder
        .or_else(|| stored.models.clone())
        .or_else(ModelFiles::from_env);
    let initial_load = match (is_demo, models) {
        (_, Some(models)) => Some(load_params(&models, options)),
        (true, None) => Some(LoadParams {
            diffusion_model: Some(DEMO_MODEL.into()),
            ..load_defaults(options)
        }),
        (false, None) => None,
    };
    Ok(EnginePlan {
        config: EngineConfig::new(binary, workdir),
        is_demo,
        initial_load,
    })
}

/// Moves the running engine from `before` to `after`: another binary is switched to (and
/// loads the model), other model files or load options reload the model, and nothing
/// happens when nothing changed. New jobs are recorded with the new model.
pub async fn apply(
    before: &EnginePlan,
    after: &EnginePlan,
    engine: &crate::engine::EngineHandle,
    queue: Option<&crate::queue::QueueHandle>,
) {
    let binary_changed = before.config.binary != after.config.binary;
    if binary_changed {
        engine.switch_binary(after.config.binary.clone()).await;
    }
    if binary_changed || before.initial_load != after.initial_load {
        if let Some(queue) = queue {
            let label = after.initial_load.as_ref().map(|p| p.model_label()).unwrap_or_default();
            queue.set_model_label(label).await;
        }
        let outcome = match after.initial_load.clone() {
            Some(params) => engine.load(params).await.map(|_| ()),
            // A real engine without model files: free the old model.
            None if !binary_changed => engine.unload().await,
            None => Ok(()),
        };
        if let Err(error) = outcome {
            tracing::warn!(%error, "the new engine settings could not be applied");
        }
    }
}

/// The load options of the spec (section 8.5, as changed in settings) and the protocol notes.
fn load_defaults(options: settings::EngineOptions) -> LoadParams {
    LoadParams {
        offload_to_cpu: Some(options.offload_to_cpu),
        flash_attn: Some(options.flash_attn),
        n_threads: (options.threads > 0).then_some(i32::from(options.threads)),
        vae_on_cpu: Some(false),
        llm_on_cpu: Some(false),
        // Without the VAE encoder, reference images cannot be used.
        vae_decode_only: Some(false),
        free_params_immediately: Some(false),
        ..LoadParams::default()
    }
}

fn load_params(models: &ModelFiles, options: settings::EngineOptions) -> LoadParams {
    let text = |path: &std::path::Path| Some(path.display().to_string());
    LoadParams {
        diffusion_model: text(&models.diffusion_model),
        vae: text(&models.vae),
        llm: text(&models.llm),
        ..load_defaults(options)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn binary(path: &str) -> EngineChoice {
        EngineChoice::Binary(PathBuf::from(path))
    }

    #[test]
    fn the_engine_picked_in_settings_wins_over_the_one_that_came_with_the_app() {
        let bundled = || Some(PathBuf::from("/usr/lib/distillery/bin/cn-engine"));
        let chosen = EngineSource::Binary(Path::new("/opt/cuda/cn-engine").into());
        assert_eq!(engine_choice(None, &chosen, bundled()), binary("/opt/cuda/cn-engine"));
        assert_eq!(engine_choice(None, &EngineSource::Demo, bundled()), EngineChoice::Demo);
        assert_eq!(
            engine_choice(None, &EngineSource::CameWithApp, bundled()),
            binary("/usr/lib/distillery/bin/cn-engine")
        );
        // Nothing came with the app: its engine is the demo.
        assert_eq!(
            engine_choice(None, &EngineSource::CameWithApp, None),
            EngineChoice::Demo
        );
        // A flag or DISTILLERY_ENGINE wins over everything.
        assert_eq!(
            engine_choice(Some(&EngineChoice::Demo), &chosen, bundled()),
            EngineChoice::Demo
        );
        assert_eq!(
            engine_choice(Some(&binary("/tmp/x")), &EngineSource::Demo, bundled()),
            binary("/tmp/x")
        );
    }
}
