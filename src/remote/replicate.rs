//! Replicate's predictions API: create → poll `urls.get` → the output URL.
//!
//! Statuses: starting, processing, succeeded, failed, canceled and aborted; anything else is
//! read as a failure that names it. The output is one URL or a list of them, by model.

use super::http::{CallError, Http, Method};
use super::{ApiKey, Cancel, Input, Poll, Submitted, text_at};

pub const DEFAULT_BASE: &str = "https://api.replicate.com/v1";

fn auth(key: &ApiKey) -> String {
    format!("Bearer {}", key.expose())
}

pub fn body(input: &Input) -> serde_json::Value {
    let mut fields = serde_json::json!({
        "prompt": input.prompt,
        "aspect_ratio": input.aspect,
        "output_megapixels": input.megapixels,
        "seed": input.seed,
        "output_format": "png",
    });
    if !input.references.is_empty() {
        fields["images"] = serde_json::json!(input.references);
    }
    serde_json::json!({ "input": fields })
}

pub fn submit(http: &Http, base: &str, key: &ApiKey, model: &str, input: &Input) -> Result<Submitted, CallError> {
    let url = format!("{}/models/{model}/predictions", base.trim_end_matches('/'));
    let reply = http
        .call(Method::Post, &url, Some(&auth(key)), Some(&body(input)))?
        .json()?;
    let id = text_at(&reply, &["id"])
        .ok_or_else(|| CallError::BadReply(crate::i18n::tr("Replicate's prediction has no id")))?;
    let get =
        text_at(&reply, &["urls", "get"]).unwrap_or_else(|| format!("{}/predictions/{id}", base.trim_end_matches('/')));
    Ok(Submitted {
        request_id: id,
        status_url: get.clone(),
        result_url: get,
        cancel_url: text_at(&reply, &["urls", "cancel"]),
    })
}

pub fn poll(http: &Http, key: &ApiKey, request: &Submitted) -> Result<Poll, CallError> {
    let prediction = http
        .call(Method::Get, &request.status_url, Some(&auth(key)), None)?
        .json()?;
    let Some(status) = prediction.get("status").and_then(|s| s.as_str()) else {
        return Err(CallError::BadReply(crate::i18n::tr(
            "Replicate's prediction has no status",
        )));
    };
    let error = prediction
        .get("error")
        .filter(|e| !e.is_null())
        .map(|e| e.as_str().map(str::to_owned).unwrap_or_else(|| e.to_string()));
    Ok(match status {
        "starting" => Poll::Queued { position: None },
        "processing" => Poll::Running,
        "succeeded" => match first_output(prediction.get("output")) {
            Some(url) => Poll::Finished {
                image_url: url,
                seed: None,
            },
            None if prediction.get("data_removed").and_then(|d| d.as_bool()) == Some(true) => Poll::Expired,
            None => Poll::Failed(crate::i18n::tr(
                "Replicate finished without an image (its output is empty)",
            )),
        },
        "failed" => Poll::Failed(format!(
            "Replicate could not make the image: {}",
            error.unwrap_or_else(|| crate::i18n::tr("no reason given"))
        )),
        "canceled" => Poll::Cancelled,
        "aborted" => Poll::Failed(crate::i18n::tr(
            "Replicate aborted the prediction before it started (its deadline passed)",
        )),
        other => Poll::Failed(format!(
            "Replicate reported the status “{other}”, which Distillery does not know"
        )),
    })
}

/// `output` as one URL or a list of URLs.
fn first_output(output: Option<&serde_json::Value>) -> Option<String> {
    match output? {
        serde_json::Value::String(url) => Some(url.clone()),
        serde_json::Value::Array(items) => items.first()?.as_str().map(str::to_owned),
        _ => None,
    }
}

/// Asks Replicate to stop the prediction; it answers with the prediction, which keeps its
/// `succeeded` status when the cancel came too late.
pub fn cancel(http: &Http, key: &ApiKey, cancel_url: &str) -> Result<Cancel, CallError> {
    let reply = http.call(Method::Post, cancel_url, Some(&auth(key)), None)?;
    let status = reply
        .json()
        .ok()
        .and_then(|v| v.get("status")?.as_str().map(str::to_owned));
    Ok(match status.as_deref() {
        Some("succeeded") => Cancel::TooLate,
        _ => Cancel::Stopped,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn output_is_one_url_or_a_list() {
        assert_eq!(
            first_output(Some(&json!("https://x/1.png"))).as_deref(),
            Some("https://x/1.png")
        );
        assert_eq!(
            first_output(Some(&json!(["https://x/a.png", "https://x/b.png"]))).as_deref(),
            Some("https://x/a.png")
        );
        assert_eq!(first_output(Some(&json!(null))), None);
        assert_eq!(first_output(Some(&json!([]))), None);
    }
}
