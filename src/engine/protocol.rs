//! The cn-engine protocol (NDJSON over stdio), as typed values. See ENGINE_PROTOCOL.md.
//!
//! Requests are one JSON object per line: `{"cmd":..,"id":..,"params":{..}}`. The engine
//! aborts on wrongly typed fields, so optional parameters are omitted rather than sent as
//! null. Responses are `{"data":{..},"id":..,"type":"ok"|"progress"|"result"|"error"}`;
//! unknown fields are tolerated everywhere and an unknown `type` is kept, not fatal.

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

/// A response line's envelope.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Envelope {
    #[serde(default)]
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub data: serde_json::Value,
}

/// What a response line means.
#[derive(Debug, Clone, PartialEq)]
pub enum Response {
    /// Terminal success of ping, load, status, unload, quit; `data` depends on the command.
    Ok(serde_json::Value),
    Progress(Progress),
    /// Terminal success of generate or upscale.
    Result(serde_json::Value),
    Error(ErrorData),
    /// A `type` this version does not know; logged and ignored.
    Unknown(String),
}

impl Response {
    pub fn is_terminal(&self) -> bool {
        matches!(self, Response::Ok(_) | Response::Result(_) | Response::Error(_))
    }
}

/// Parses one stdout line. `None` for lines that are not protocol JSON (the model loader's
/// progress bar, truncated lines): callers log and skip them.
pub fn parse_line(line: &str) -> Option<(String, Response)> {
    let trimmed = line.trim();
    if !trimmed.starts_with('{') {
        return None;
    }
    let envelope: Envelope = serde_json::from_str(trimmed).ok()?;
    let response = match envelope.kind.as_str() {
        "ok" => Response::Ok(envelope.data),
        "result" => Response::Result(envelope.data),
        "progress" => Response::Progress(serde_json::from_value(envelope.data).ok()?),
        "error" => Response::Error(serde_json::from_value(envelope.data).ok()?),
        other => Response::Unknown(other.to_owned()),
    };
    Some((envelope.id, response))
}

/// A generation's phase as the engine reports it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Phase {
    Conditioning,
    Encoding,
    Sampling,
    Saving,
    Upscaling,
    #[serde(untagged)]
    Other(String),
}

/// One progress event of generate or upscale.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Progress {
    pub phase: Phase,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_steps: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step_time_s: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache_hit: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// The `ok` data of `ping`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct PingReply {
    pub status: String,
}

/// The `ok` data of `load`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct LoadReply {
    #[serde(default)]
    pub load_time_ms: u64,
    #[serde(default)]
    pub model_info: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub upscaler_loaded: bool,
}

/// The `ok` data of `status`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct StatusReply {
    pub model_loaded: bool,
    #[serde(default)]
    pub model_info: Option<String>,
    #[serde(default)]
    pub uptime_s: Option<u64>,
    #[serde(default)]
    pub upscaler_loaded: bool,
}

/// The `result` data of `generate`. `seed` echoes the request (the real engine reports -1
/// for a random seed, which is why the app always sends its own).
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct GenerateResult {
    pub output: String,
    pub seed: i64,
    #[serde(default)]
    pub success: bool,
    #[serde(default)]
    pub total_time_ms: u64,
    #[serde(default)]
    pub prompt_cache_hit: bool,
    #[serde(default)]
    pub ref_latent_cache_hit: bool,
    #[serde(default)]
    pub images_saved: u32,
}

/// The `result` data of `upscale`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct UpscaleResult {
    pub output: String,
    pub width: u32,
    pub height: u32,
    #[serde(default)]
    pub total_time_ms: u64,
}

/// The `error` data. Key on `code`, not on the text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorData {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<ErrorCode>,
    #[serde(default)]
    pub message: String,
}

/// The engine's error codes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ErrorCode {
    ParseError,
    UnknownCmd,
    NoModel,
    NoUpscaler,
    CtxCreationFailed,
    UpscalerCreationFailed,
    RefImageLoadFailed,
    OutputDirFailed,
    GenerationFailed,
    UpscaleFailed,
    NoOutput,
    #[serde(untagged)]
    Other(String),
}

impl ErrorCode {
    pub fn as_str(&self) -> &str {
        match self {
            ErrorCode::ParseError => "PARSE_ERROR",
            ErrorCode::UnknownCmd => "UNKNOWN_CMD",
            ErrorCode::NoModel => "NO_MODEL",
            ErrorCode::NoUpscaler => "NO_UPSCALER",
            ErrorCode::CtxCreationFailed => "CTX_CREATION_FAILED",
            ErrorCode::UpscalerCreationFailed => "UPSCALER_CREATION_FAILED",
            ErrorCode::RefImageLoadFailed => "REF_IMAGE_LOAD_FAILED",
            ErrorCode::OutputDirFailed => "OUTPUT_DIR_FAILED",
            ErrorCode::GenerationFailed => "GENERATION_FAILED",
            ErrorCode::UpscaleFailed => "UPSCALE_FAILED",
            ErrorCode::NoOutput => "NO_OUTPUT",
            ErrorCode::Other(code) => code,
        }
    }
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

    #[test]
    fn responses_parse_with_unknown_fields_and_types() {
        let (id, response) =
            parse_line(r#"{"data":{"cache_hit":false,"message":"Encoding prompt","phase":"conditioning","extra":1},"id":"g1","type":"progress"}"#)
                .unwrap();
        assert_eq!(id, "g1");
        let Response::Progress(progress) = response else {
            panic!("progress")
        };
        assert_eq!(progress.phase, Phase::Conditioning);
        assert_eq!(progress.cache_hit, Some(false));

        let (_, response) = parse_line(r#"{"data":{"phase":"dreaming"},"id":"g1","type":"progress"}"#).unwrap();
        assert!(matches!(response, Response::Progress(Progress { phase: Phase::Other(ref p), .. }) if p == "dreaming"));

        let (id, response) =
            parse_line(r#"{"data":{"code":"NO_MODEL","message":"No model loaded"},"id":"","type":"error"}"#).unwrap();
        assert_eq!(id, "");
        assert_eq!(
            response,
            Response::Error(ErrorData {
                code: Some(ErrorCode::NoModel),
                message: "No model loaded".into()
            })
        );

        let (_, response) =
            parse_line(r#"{"data":{"code":"NEW_THING","message":"x"},"id":"a","type":"error"}"#).unwrap();
        assert!(
            matches!(response, Response::Error(ErrorData { code: Some(ErrorCode::Other(ref c)), .. }) if c == "NEW_THING")
        );

        assert_eq!(
            parse_line(r#"{"data":{},"id":"a","type":"telemetry"}"#).unwrap().1,
            Response::Unknown("telemetry".into())
        );
        assert!(parse_line("\r[=====>     ] 42/120 tensors").is_none());
        assert!(parse_line(r#"{"data":{"phase":"sampl"#).is_none());
    }
}
