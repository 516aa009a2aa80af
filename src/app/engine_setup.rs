//! Which engine to run and which model to load at start.
//!
//! The engine is `--engine PATH|demo`, else `DISTILLERY_ENGINE`, else the binary saved in
//! settings, else the demo engine (`cn-engine-sim` next to this executable). Model files
//! come from `DISTILLERY_MODELS` (a folder), else settings, else `CN_MODEL_DIFFUSION`,
//! `CN_MODEL_VAE` and `CN_MODEL_LLM`. The demo engine loads a
//! simulated model so the whole product works at once; a real engine without model files
//! stays idle until they are chosen.

use super::AppContext;
use crate::cli::EngineChoice;
use crate::engine::protocol::LoadParams;
use crate::engine::{EngineConfig, demo_engine_path};
use crate::library::LibraryFolder;
use crate::settings::{self, ModelFiles};

/// The model name the demo engine reports.
pub const DEMO_MODEL: &str = "FLUX.2 Klein (demo)";

pub struct EnginePlan {
    pub config: EngineConfig,
    pub is_demo: bool,
    /// Loaded as soon as the engine is up.
    pub initial_load: Option<LoadParams>,
}

pub fn plan(ctx: &AppContext) -> anyhow::Result<EnginePlan> {
    let (saved_binary, saved_models, options) = ctx.db.call_blocking(|conn| {
        Ok((
            settings::engine_binary(conn)?,
            settings::model_files(conn)?,
            settings::engine_options(conn)?,
        ))
    })?;
    let choice = match (&ctx.engine, saved_binary) {
        (Some(choice), _) => choice.clone(),
        (None, Some(binary)) => EngineChoice::Binary(binary),
        (None, None) => EngineChoice::Demo,
    };
    let (binary, is_demo) = match choice {
        EngineChoice::Demo => (demo_engine_path()?, true),
        EngineChoice::Binary(path) => (path, false),
    };
    let workdir = ctx.library.folder(LibraryFolder::Tmp)?.join("engine");
    let from_folder = match super::environment::models() {
        Some(Ok(models)) => Some(models),
        Some(Err(problem)) => {
            tracing::warn!(%problem, "DISTILLERY_MODELS is set but its model files were not all found");
            None
        }
        None => None,
    };
    let models = from_folder.or(saved_models).or_else(ModelFiles::from_env);
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
