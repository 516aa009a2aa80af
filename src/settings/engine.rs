//! What the engine runs and loads, and the sampling defaults of new requests.

use super::read_json;
use crate::db::{DbError, app_settings};
use diesel::SqliteConnection;
use serde::{Deserialize, Serialize};

const ENGINE_OPTIONS: &str = "engine.options";
const GENERATION_DEFAULTS: &str = "generation.defaults";
const ENGINE_BINARY: &str = "engine.binary";
const ENGINE_DEMO: &str = "engine.demo";
pub(super) const MODEL_FILES: &str = "engine.model_files";

/// The three files a FLUX.2 Klein model needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModelFiles {
    pub diffusion_model: std::path::PathBuf,
    pub vae: std::path::PathBuf,
    pub llm: std::path::PathBuf,
    /// The canonical model these files are (a `base_models` name such as "FLUX.2 Klein 4B").
    #[serde(default)]
    pub base_model: Option<String>,
}

impl ModelFiles {
    /// The three paths in the order of `ModelKind::ALL`: diffusion model, VAE, text encoder.
    pub fn paths(&self) -> [&std::path::Path; 3] {
        [&self.diffusion_model, &self.vae, &self.llm]
    }

    /// `CN_MODEL_DIFFUSION`, `CN_MODEL_VAE` and `CN_MODEL_LLM`, when all three are set.
    pub fn from_env() -> Option<Self> {
        let var = |name: &str| {
            std::env::var_os(name)
                .filter(|v| !v.is_empty())
                .map(std::path::PathBuf::from)
        };
        Some(Self {
            diffusion_model: var("CN_MODEL_DIFFUSION")?,
            vae: var("CN_MODEL_VAE")?,
            llm: var("CN_MODEL_LLM")?,
            base_model: None,
        })
    }
}

/// How the engine loads the model (spec 8.5 defaults). `threads` 0 lets the engine choose
/// (its physical cores).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct EngineOptions {
    pub offload_to_cpu: bool,
    pub flash_attn: bool,
    pub threads: u16,
}

impl Default for EngineOptions {
    fn default() -> Self {
        Self {
            offload_to_cpu: true,
            flash_attn: true,
            threads: 0,
        }
    }
}

/// The sampling settings every new request starts from (spec 8.5 defaults).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct GenerationDefaults {
    pub steps: u32,
    pub guidance: f64,
    pub sampler: String,
}

impl Default for GenerationDefaults {
    fn default() -> Self {
        Self {
            steps: crate::generation::request::DEFAULT_STEPS,
            guidance: crate::generation::request::DEFAULT_GUIDANCE,
            sampler: crate::generation::request::DEFAULT_SAMPLER.to_owned(),
        }
    }
}

impl GenerationDefaults {
    /// These settings, or the spec's defaults where a stored value is out of range (with a
    /// warning): 1–150 steps, guidance 0–30, a sampler the engine knows.
    pub fn checked(self) -> Self {
        let defaults = Self::default();
        let mut checked = self;
        if !(1..=150).contains(&checked.steps) {
            tracing::warn!(steps = checked.steps, "stored steps out of range; using the default");
            checked.steps = defaults.steps;
        }
        if !(0.0..=30.0).contains(&checked.guidance) {
            tracing::warn!(
                guidance = checked.guidance,
                "stored guidance out of range; using the default"
            );
            checked.guidance = defaults.guidance;
        }
        if !crate::generation::request::SAMPLERS.contains(&checked.sampler.as_str()) {
            tracing::warn!(sampler = %checked.sampler, "stored sampler unknown; using the default");
            checked.sampler = defaults.sampler;
        }
        checked
    }
}

pub fn engine_options(conn: &mut SqliteConnection) -> Result<EngineOptions, DbError> {
    Ok(read_json(conn, ENGINE_OPTIONS)?.unwrap_or_default())
}

pub fn set_engine_options(conn: &mut SqliteConnection, options: &EngineOptions) -> Result<(), DbError> {
    app_settings::set(conn, ENGINE_OPTIONS, options)
}

pub fn generation_defaults(conn: &mut SqliteConnection) -> Result<GenerationDefaults, DbError> {
    Ok(read_json::<GenerationDefaults>(conn, GENERATION_DEFAULTS)?
        .unwrap_or_default()
        .checked())
}

pub fn set_generation_defaults(conn: &mut SqliteConnection, defaults: &GenerationDefaults) -> Result<(), DbError> {
    app_settings::set(conn, GENERATION_DEFAULTS, defaults)
}

/// Which engine Distillery runs, as chosen in Settings.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum EngineSource {
    /// The engine that came with Distillery: a packaged `cn-engine`, else the demo engine.
    #[default]
    CameWithApp,
    /// The demo engine, even where a real one came with Distillery.
    Demo,
    /// A cn-engine binary the user chose.
    Binary(std::path::PathBuf),
}

/// The engine chosen in settings. A chosen binary is kept under `engine.binary`, the demo
/// engine chosen over a packaged one as `engine.demo`; neither means the engine that came
/// with the app (an unreadable value counts as not set).
pub fn engine_source(conn: &mut SqliteConnection) -> Result<EngineSource, DbError> {
    if let Some(binary) = read_json(conn, ENGINE_BINARY)? {
        return Ok(EngineSource::Binary(binary));
    }
    Ok(match read_json::<bool>(conn, ENGINE_DEMO)? {
        Some(true) => EngineSource::Demo,
        _ => EngineSource::CameWithApp,
    })
}

pub fn set_engine_source(conn: &mut SqliteConnection, source: &EngineSource) -> Result<(), DbError> {
    match source {
        EngineSource::Binary(binary) => {
            app_settings::remove(conn, ENGINE_DEMO)?;
            app_settings::set(conn, ENGINE_BINARY, binary)
        }
        EngineSource::Demo => {
            app_settings::remove(conn, ENGINE_BINARY)?;
            app_settings::set(conn, ENGINE_DEMO, &true)
        }
        EngineSource::CameWithApp => {
            app_settings::remove(conn, ENGINE_BINARY)?;
            app_settings::remove(conn, ENGINE_DEMO).map(|_| ())
        }
    }
}

/// The model files chosen in settings, if any (an unreadable value: none).
pub fn model_files(conn: &mut SqliteConnection) -> Result<Option<ModelFiles>, DbError> {
    read_json(conn, MODEL_FILES)
}

pub fn set_model_files(conn: &mut SqliteConnection, files: &ModelFiles) -> Result<(), DbError> {
    app_settings::set(conn, MODEL_FILES, files)
}
