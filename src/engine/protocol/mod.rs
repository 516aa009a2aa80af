//! The cn-engine protocol (NDJSON over stdio), as typed values. See ENGINE_PROTOCOL.md.
//!
//! Requests are one JSON object per line: `{"cmd":..,"id":..,"params":{..}}`. The engine
//! aborts on wrongly typed fields, so optional parameters are omitted rather than sent as
//! null. Responses are `{"data":{..},"id":..,"type":"ok"|"progress"|"result"|"error"}`;
//! unknown fields are tolerated everywhere and an unknown `type` is kept, not fatal.

mod replies;

pub use replies::*;
use serde::{Deserialize, Serialize};

/// The commands cn-engine understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommandKind {
    Ping,
    Load,
    Generate,
    Upscale,
    Status,
    Unload,
    Quit,
}

impl CommandKind {
    pub fn as_str(self) -> &'static str {
        match self {
            CommandKind::Ping => "ping",
            CommandKind::Load => "load",
            CommandKind::Generate => "generate",
            CommandKind::Upscale => "upscale",
            CommandKind::Status => "status",
            CommandKind::Unload => "unload",
            CommandKind::Quit => "quit",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [
            Self::Ping,
            Self::Load,
            Self::Generate,
            Self::Upscale,
            Self::Status,
            Self::Unload,
            Self::Quit,
        ]
        .into_iter()
        .find(|kind| kind.as_str() == text)
    }
}

/// One request line. `params` is omitted for commands that take none.
#[derive(Debug, Clone, Serialize)]
pub struct Request {
    pub cmd: &'static str,
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub params: Option<serde_json::Value>,
}

impl Request {
    pub fn new(kind: CommandKind, id: impl Into<String>) -> Self {
        Self {
            cmd: kind.as_str(),
            id: id.into(),
            params: None,
        }
    }

    pub fn with_params(kind: CommandKind, id: impl Into<String>, params: &impl Serialize) -> Self {
        // Serialising plain structs of strings, numbers and bools cannot fail.
        let params = serde_json::to_value(params).unwrap_or(serde_json::Value::Null);
        Self {
            cmd: kind.as_str(),
            id: id.into(),
            params: Some(params),
        }
    }

    /// The request as one line, newline included.
    pub fn to_line(&self) -> String {
        let mut line = serde_json::to_string(self).unwrap_or_default();
        line.push('\n');
        line
    }
}

/// Parameters of `load`. Paths are absolute; options left `None` take the engine's default.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LoadParams {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diffusion_model: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vae: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub llm: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub n_threads: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offload_to_cpu: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub flash_attn: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vae_on_cpu: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub llm_on_cpu: Option<bool>,
    /// The engine defaults this to true, which leaves out the VAE encoder that reference
    /// images need: Distillery always sends false.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vae_decode_only: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub free_params_immediately: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub upscale_model: Option<String>,
}

impl LoadParams {
    /// What the engine will call this model: the file name of the diffusion model.
    pub fn model_label(&self) -> String {
        let path = self
            .diffusion_model
            .as_deref()
            .or(self.model.as_deref())
            .unwrap_or("(unknown)");
        std::path::Path::new(path)
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_else(|| path.to_owned())
    }
}

/// Parameters of `generate`. The app always chooses and sends the seed; `guidance` is not
/// read by current engines but is sent for older ones and recorded with the generation.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct GenerateParams {
    pub prompt: String,
    pub width: i32,
    pub height: i32,
    pub seed: i64,
    pub steps: i32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub guidance: Option<f64>,
    pub sampling_method: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ref_images: Vec<String>,
    pub output: String,
    pub use_prompt_cache: bool,
    pub use_ref_latent_cache: bool,
}

/// Parameters of `upscale`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct UpscaleParams {
    pub input: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub upscale_repeats: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub upscale_factor: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub upscale_model: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_omit_absent_options() {
        let params = LoadParams {
            diffusion_model: Some("/m/flux2-klein-Q5_K.gguf".into()),
            vae_decode_only: Some(false),
            ..Default::default()
        };
        let line = Request::with_params(CommandKind::Load, "load-1", &params).to_line();
        assert_eq!(
            line,
            "{\"cmd\":\"load\",\"id\":\"load-1\",\"params\":{\"diffusion_model\":\"/m/flux2-klein-Q5_K.gguf\",\"vae_decode_only\":false}}\n"
        );
        assert_eq!(
            Request::new(CommandKind::Ping, "p").to_line(),
            "{\"cmd\":\"ping\",\"id\":\"p\"}\n"
        );
        assert_eq!(params.model_label(), "flux2-klein-Q5_K.gguf");
    }
}
