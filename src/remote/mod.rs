//! Hosted providers (fal, Replicate): their HTTP APIs, the models they offer, the retry
//! policy and the API keys. The queue decides when a job runs (`queue::remote_job`); this
//! module only speaks to the providers.

pub mod fal;
pub mod http;
pub mod keys;
pub mod models;
pub mod replicate;
pub mod retry;

use crate::generation::Provider;
use http::{CallError, Http};

pub use keys::ApiKey;

/// What is asked of a provider for one image.
#[derive(Debug, Clone, PartialEq)]
pub struct Input {
    pub prompt: String,
    pub width: i32,
    pub height: i32,
    pub seed: i64,
    pub steps: i32,
    /// "3:2" (Replicate sizes by aspect and megapixels, fal by pixels).
    pub aspect: String,
    /// Replicate's `output_megapixels`: "1" for 1024 px, "0.25" for 512 px.
    pub megapixels: String,
    /// Reference images as data URLs.
    pub references: Vec<String>,
}

/// A request the provider accepted, with the URLs it gave for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submitted {
    pub request_id: String,
    pub status_url: String,
    pub result_url: String,
    pub cancel_url: Option<String>,
}

/// Where a request is, as the provider tells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Poll {
    /// Waiting for a machine; fal tells the position.
    Queued {
        position: Option<u32>,
    },
    Running,
    Finished {
        image_url: String,
        seed: Option<i64>,
    },
    /// It ran and failed there; the message names the provider.
    Failed(String),
    Cancelled,
    /// The result was there and has been removed.
    Expired,
}

/// The non-empty text at `path` in a JSON reply (`["urls", "get"]`).
pub(crate) fn text_at(json: &serde_json::Value, path: &[&str]) -> Option<String> {
    let mut value = json;
    for key in path {
        value = value.get(key)?;
    }
    value.as_str().filter(|s| !s.is_empty()).map(str::to_owned)
}

/// The provider's API address: the public one, or a test server's
/// (`DISTILLERY_FAL_URL`, `DISTILLERY_REPLICATE_URL`).
pub fn base_url(provider: Provider) -> String {
    let (variable, default) = match provider {
        Provider::Replicate => ("DISTILLERY_REPLICATE_URL", replicate::DEFAULT_BASE),
        _ => ("DISTILLERY_FAL_URL", fal::DEFAULT_BASE),
    };
    std::env::var(variable)
        .ok()
        .filter(|url| !url.trim().is_empty())
        .unwrap_or_else(|| default.to_owned())
}

/// Creates the request. Blocking: run it on the blocking pool.
pub fn submit(
    provider: Provider,
    http: &Http,
    key: &ApiKey,
    endpoint: &str,
    input: &Input,
) -> Result<Submitted, CallError> {
    let base = base_url(provider);
    match provider {
        Provider::Replicate => replicate::submit(http, &base, key, endpoint, input),
        _ => fal::submit(http, &base, key, endpoint, input),
    }
}

/// Asks where the request is, fetching the result's address once it is done. Blocking.
pub fn poll(provider: Provider, http: &Http, key: &ApiKey, request: &Submitted) -> Result<Poll, CallError> {
    match provider {
        Provider::Replicate => replicate::poll(http, key, request),
        _ => fal::poll(http, key, request),
    }
}

/// What a cancel achieved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cancel {
    /// The provider stopped the request: it will not finish.
    Stopped,
    /// The request had already finished: its image is paid for and can still be fetched.
    TooLate,
}

/// Asks the provider to stop the request. Blocking.
pub fn cancel(provider: Provider, http: &Http, key: &ApiKey, cancel_url: &str) -> Result<Cancel, CallError> {
    match provider {
        Provider::Replicate => replicate::cancel(http, key, cancel_url),
        _ => fal::cancel(http, key, cancel_url),
    }
}
