//! The HTTP calls to hosted providers: one blocking client (run on tokio's blocking pool),
//! HTTPS only, with timeouts, and failures sorted by what they mean for a retry.
//!
//! The API key is put in one header and nowhere else: never in a URL, an error or a log.

use std::io::ErrorKind;
use std::time::Duration;

/// The largest JSON reply read (a status or a result is a few KB).
const MAX_JSON_BYTES: u64 = 4 << 20;
/// The largest image downloaded (a 2048 px PNG is about 12 MB).
pub const MAX_IMAGE_BYTES: u64 = 64 << 20;
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// A call whose reply does not start within this is retried (a hung status call).
const DEFAULT_REPLY_TIMEOUT: Duration = Duration::from_secs(30);

/// Why a call gave no usable answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CallError {
    /// The request never reached the provider (no network, name not found, connection
    /// refused): sending it again cannot make anything happen twice.
    Offline(String),
    /// It was sent, but no complete answer came (a timeout, a reset, a truncated body): the
    /// provider may have acted on it.
    NoAnswer(String),
    /// The provider answered with an error status.
    Status {
        code: u16,
        /// From a `Retry-After` header in seconds, when there was one.
        retry_after: Option<Duration>,
        /// The provider's own words (`detail`, `error` or the body), for the message.
        detail: String,
        /// fal marks a timeout the caller asked for (not to be retried).
        caller_timeout: bool,
    },
    /// An answer came, but not in the shape the API documents.
    BadReply(String),
    /// Something that no retry will mend (a refused URL, a TLS failure).
    Fatal(String),
}

/// A successful answer.
pub struct Reply {
    pub body: Vec<u8>,
}

impl Reply {
    pub fn json(&self) -> Result<serde_json::Value, CallError> {
        serde_json::from_slice(&self.body).map_err(|e| {
            CallError::BadReply(crate::i18n::fill(
                &crate::i18n::tr("the reply is not JSON ({}): {}"),
                &[&e.to_string(), &snippet(&self.body).to_string()],
            ))
        })
    }
}

/// The HTTP method of a call.
#[derive(Debug, Clone, Copy)]
pub enum Method {
    Get,
    Post,
    Put,
}

/// A client for hosted providers.
#[derive(Clone)]
pub struct Http {
    agent: ureq::Agent,
}

impl Default for Http {
    fn default() -> Self {
        Self::new()
    }
}

impl Http {
    pub fn new() -> Self {
        let reply_timeout = std::env::var("DISTILLERY_REMOTE_TIMEOUT_MS")
            .ok()
            .and_then(|ms| ms.parse().ok())
            .map(Duration::from_millis)
            .unwrap_or(DEFAULT_REPLY_TIMEOUT);
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_connect(Some(CONNECT_TIMEOUT))
            .timeout_recv_response(Some(reply_timeout))
            .timeout_per_read(Some(reply_timeout))
            .user_agent(concat!("Distillery/", env!("CARGO_PKG_VERSION")))
            .build();
        Self {
            agent: ureq::Agent::new_with_config(config),
        }
    }

    /// Sends one request with an optional JSON body and returns the 2xx answer.
    pub fn call(
        &self,
        method: Method,
        url: &str,
        authorization: Option<&str>,
        body: Option<&serde_json::Value>,
    ) -> Result<Reply, CallError> {
        check_url(url)?;
        let sent = match method {
            Method::Get => with_auth(self.agent.get(url), url, authorization)
                .header("Accept", "application/json")
                .call(),
            Method::Post | Method::Put => {
                let builder = match method {
                    Method::Post => self.agent.post(url),
                    _ => self.agent.put(url),
                };
                let builder = with_auth(builder, url, authorization).header("Accept", "application/json");
                match body {
                    Some(body) => builder.send_json(body),
                    None => builder.send_empty(),
                }
            }
        };
        let mut response = sent.map_err(sort_error)?;
        let code = response.status().as_u16();
        let body = response
            .body_mut()
            .with_config()
            .limit(MAX_JSON_BYTES)
            .read_to_vec()
            .map_err(sort_error)?;
        if (200..300).contains(&code) {
            return Ok(Reply { body });
        }
        Err(status_error(code, response.headers(), &body))
    }

    /// Downloads a result file, without credentials (they are for the API host only), and
    /// checks it arrived whole.
    pub fn download(&self, url: &str) -> Result<Vec<u8>, CallError> {
        if let Some(data) = url.strip_prefix("data:") {
            return decode_data_url(data);
        }
        check_url(url)?;
        let mut response = with_auth(self.agent.get(url), url, None).call().map_err(sort_error)?;
        let code = response.status().as_u16();
        if !(200..300).contains(&code) {
            let body = response
                .body_mut()
                .with_config()
                .limit(64 << 10)
                .read_to_vec()
                .unwrap_or_default();
            return Err(status_error(code, response.headers(), &body));
        }
        let expected = response.body().content_length();
        let bytes = response
            .body_mut()
            .with_config()
            .limit(MAX_IMAGE_BYTES)
            .read_to_vec()
            .map_err(sort_error)?;
        if let Some(expected) = expected
            && expected != bytes.len() as u64
        {
            return Err(CallError::NoAnswer(crate::i18n::fill(
                &crate::i18n::tr("the download stopped after {} of {} bytes"),
                &[&bytes.len().to_string(), &expected.to_string()],
            )));
        }
        Ok(bytes)
    }
}

/// A request to `url` with its credentials, if any. One to an HTTPS address stays HTTPS
/// through redirects: [`check_url`] sees only the first address, so a redirect to plain HTTP
/// is refused here instead of sending the prompt (or following a link) in the clear.
fn with_auth<B>(builder: ureq::RequestBuilder<B>, url: &str, authorization: Option<&str>) -> ureq::RequestBuilder<B> {
    let secure = url
        .get(..8)
        .is_some_and(|scheme| scheme.eq_ignore_ascii_case("https://"));
    let builder = builder.config().https_only(secure).build();
    match authorization {
        Some(value) => builder.header("Authorization", value),
        None => builder,
    }
}

/// HTTPS only, except to this machine (the tests' fake providers).
pub fn check_url(url: &str) -> Result<(), CallError> {
    let lower = url.to_ascii_lowercase();
    if lower.starts_with("https://") {
        return Ok(());
    }
    let local = [
        "http://127.0.0.1:",
        "http://127.0.0.1/",
        "http://localhost:",
        "http://[::1]:",
    ];
    if local.iter().any(|prefix| lower.starts_with(prefix)) {
        return Ok(());
    }
    Err(CallError::Fatal(crate::i18n::fill(
        &crate::i18n::tr("refused to use {}: Distillery talks to providers over HTTPS only"),
        &[url.split(['?', '#']).next().unwrap_or(url)],
    )))
}

/// Sorts a transport failure: did anything reach the provider?
fn sort_error(error: ureq::Error) -> CallError {
    use ureq::Error;
    use ureq::Timeout;
    let text = error.to_string();
    match error {
        Error::HostNotFound | Error::ConnectionFailed => CallError::Offline(text),
        Error::Timeout(Timeout::Connect | Timeout::Resolve) => CallError::Offline(text),
        Error::Timeout(_) => CallError::NoAnswer(text),
        Error::Io(io) => match io.kind() {
            ErrorKind::ConnectionRefused
            | ErrorKind::NetworkUnreachable
            | ErrorKind::HostUnreachable
            | ErrorKind::NetworkDown
            | ErrorKind::AddrNotAvailable => CallError::Offline(text),
            _ => CallError::NoAnswer(text),
        },
        Error::Protocol(_) | Error::BodyStalled => CallError::NoAnswer(text),
        Error::BodyExceedsLimit(limit) => CallError::BadReply(crate::i18n::fill(
            &crate::i18n::tr("the reply is larger than {} bytes"),
            &[&limit.to_string()],
        )),
        Error::Json(e) => CallError::BadReply(crate::i18n::fill(
            &crate::i18n::tr("the reply is not JSON: {}"),
            &[&e.to_string()],
        )),
        other => CallError::Fatal(other.to_string()),
    }
}

/// An error answer, with what its headers say about retrying.
fn status_error(code: u16, headers: &ureq::http::HeaderMap, body: &[u8]) -> CallError {
    CallError::Status {
        code,
        retry_after: retry_after(headers),
        detail: detail_of(body),
        caller_timeout: headers
            .get("x-fal-request-timeout-type")
            .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"user")),
    }
}

/// `Retry-After` in seconds (the HTTP-date form is rare for APIs and read as absent).
fn retry_after(headers: &ureq::http::HeaderMap) -> Option<Duration> {
    let value = headers.get("retry-after")?.to_str().ok()?.trim();
    let seconds: f64 = value.parse().ok()?;
    (seconds.is_finite() && seconds >= 0.0).then(|| Duration::from_secs_f64(seconds.min(3600.0)))
}

/// The provider's explanation: `detail` (fal, Replicate), `error` or `title`, else the
/// start of the body.
fn detail_of(body: &[u8]) -> String {
    if let Ok(json) = serde_json::from_slice::<serde_json::Value>(body) {
        for key in ["detail", "error", "title", "message"] {
            match json.get(key) {
                Some(serde_json::Value::String(text)) if !text.is_empty() => return text.clone(),
                Some(serde_json::Value::Array(items)) if !items.is_empty() => {
                    return items
                        .iter()
                        .map(|item| {
                            item.get("msg")
                                .and_then(|m| m.as_str())
                                .unwrap_or("invalid input")
                                .to_owned()
                        })
                        .collect::<Vec<_>>()
                        .join("; ");
                }
                _ => {}
            }
        }
    }
    snippet(body)
}

/// At most 200 characters of a body, on one line.
pub fn snippet(body: &[u8]) -> String {
    let text = String::from_utf8_lossy(body);
    let line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut short: String = line.chars().take(200).collect();
    if short.len() < line.len() {
        short.push('…');
    }
    short
}

/// `data:image/png;base64,...`, as fal returns in sync mode.
fn decode_data_url(data: &str) -> Result<Vec<u8>, CallError> {
    let (_, encoded) = data
        .split_once(";base64,")
        .ok_or_else(|| CallError::BadReply(crate::i18n::tr("the result is a data URL that is not base64")))?;
    use base64::Engine;
    base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .map_err(|_| CallError::BadReply(crate::i18n::tr("the result's base64 is damaged")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_is_read_in_seconds_and_bounded() {
        let with = |value: &str| {
            let mut headers = ureq::http::HeaderMap::new();
            headers.insert("retry-after", value.parse().unwrap());
            retry_after(&headers)
        };
        assert_eq!(with("7"), Some(Duration::from_secs(7)));
        assert_eq!(with(" 0.5 "), Some(Duration::from_millis(500)));
        assert_eq!(with("86400"), Some(Duration::from_secs(3600)), "at most an hour");
        assert_eq!(with("-1"), None);
        assert_eq!(with("Wed, 21 Oct 2026 07:28:00 GMT"), None, "a date is read as absent");
        assert_eq!(retry_after(&ureq::http::HeaderMap::new()), None);
    }

    #[test]
    fn only_https_or_this_machine() {
        assert!(check_url("https://queue.fal.run/fal-ai/x").is_ok());
        assert!(check_url("http://127.0.0.1:8080/x").is_ok());
        let refused = check_url("http://queue.fal.run/x?key=1").unwrap_err();
        assert_eq!(
            refused,
            CallError::Fatal(
                "refused to use http://queue.fal.run/x: Distillery talks to providers over HTTPS only".into()
            )
        );
        assert!(check_url("http://127.0.0.1.evil.example/x").is_err());
    }

    #[test]
    fn provider_explanations_are_read() {
        assert_eq!(detail_of(br#"{"detail":"User is locked."}"#), "User is locked.");
        assert_eq!(
            detail_of(br#"{"detail":[{"loc":["body","prompt"],"msg":"field required"}]}"#),
            "field required"
        );
        assert_eq!(detail_of(b"<html> bad   gateway </html>"), "<html> bad gateway </html>");
    }
}
