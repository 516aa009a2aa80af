//! The engine's reply lines as typed values: the envelope, progress, results and errors.
//! Unknown fields are tolerated everywhere, and an unknown `type` is kept, not fatal.

use serde::{Deserialize, Serialize};

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
