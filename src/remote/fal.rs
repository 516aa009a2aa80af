//! fal's queue API: submit → request id with status, response and cancel URLs → poll the
//! status → fetch the result → the image URL.
//!
//! fal's statuses are IN_QUEUE, IN_PROGRESS and COMPLETED; a failed request is COMPLETED with
//! an `error`. The status, result and cancel URLs drop the endpoint's sub-path, so the ones
//! the submit returns are used as given.

use super::http::{CallError, Http, Method};
use super::{ApiKey, Cancel, Input, Poll, Submitted, text_at};

pub const DEFAULT_BASE: &str = "https://queue.fal.run";

fn auth(key: &ApiKey) -> String {
    format!("Key {}", key.expose())
}

pub fn body(input: &Input) -> serde_json::Value {
    let mut body = serde_json::json!({
        "prompt": input.prompt,
        "image_size": { "width": input.width, "height": input.height },
        "num_images": 1,
        "num_inference_steps": input.steps,
        "seed": input.seed,
        "output_format": "png",
    });
    if !input.references.is_empty() {
        body["image_urls"] = serde_json::json!(input.references);
    }
    body
}

pub fn submit(http: &Http, base: &str, key: &ApiKey, endpoint: &str, input: &Input) -> Result<Submitted, CallError> {
    let url = format!("{}/{endpoint}", base.trim_end_matches('/'));
    let reply = http
        .call(Method::Post, &url, Some(&auth(key)), Some(&body(input)))?
        .json()?;
    let request_id = text_at(&reply, &["request_id"])
        .ok_or_else(|| CallError::BadReply(crate::i18n::tr("fal's answer to the submit has no request_id")))?;
    // Only when fal leaves them out: owner/app, without the endpoint's sub-path.
    let app: Vec<&str> = endpoint.split('/').take(2).collect();
    let requests = format!("{}/{}/requests/{request_id}", base.trim_end_matches('/'), app.join("/"));
    Ok(Submitted {
        status_url: text_at(&reply, &["status_url"]).unwrap_or_else(|| format!("{requests}/status")),
        result_url: text_at(&reply, &["response_url"]).unwrap_or_else(|| requests.clone()),
        cancel_url: Some(text_at(&reply, &["cancel_url"]).unwrap_or_else(|| format!("{requests}/cancel"))),
        request_id,
    })
}

pub fn poll(http: &Http, key: &ApiKey, request: &Submitted) -> Result<Poll, CallError> {
    let status = http
        .call(Method::Get, &request.status_url, Some(&auth(key)), None)?
        .json()?;
    match status.get("status").and_then(|s| s.as_str()) {
        Some("IN_QUEUE") => Ok(Poll::Queued {
            position: status.get("queue_position").and_then(|p| p.as_u64()).map(|p| p as u32),
        }),
        Some("IN_PROGRESS") => Ok(Poll::Running),
        Some("COMPLETED") => match status.get("error").filter(|e| !e.is_null()) {
            Some(error) => Ok(Poll::Failed(format!("fal could not make the image: {}", plain(error)))),
            None => result(http, key, request),
        },
        Some(other) => Ok(Poll::Failed(format!(
            "fal reported the status “{other}”, which Distillery does not know"
        ))),
        None => Err(CallError::BadReply(format!(
            "fal's status has no status field: {}",
            super::http::snippet(status.to_string().as_bytes())
        ))),
    }
}

fn result(http: &Http, key: &ApiKey, request: &Submitted) -> Result<Poll, CallError> {
    let result = http
        .call(Method::Get, &request.result_url, Some(&auth(key)), None)?
        .json()?;
    let image = result
        .get("images")
        .and_then(|images| images.get(0))
        .and_then(|image| image.get("url"))
        .and_then(|url| url.as_str());
    match image {
        Some(url) => Ok(Poll::Finished {
            image_url: url.to_owned(),
            seed: result.get("seed").and_then(|s| s.as_i64()),
        }),
        None => Ok(Poll::Failed(crate::i18n::tr(
            "fal finished without an image (the result lists none)",
        ))),
    }
}

/// Asks fal to drop the request. fal answers 202 `CANCELLATION_REQUESTED` while the request
/// waits in its queue, and 400 `ALREADY_COMPLETED` once it ran (and was paid for).
pub fn cancel(http: &Http, key: &ApiKey, cancel_url: &str) -> Result<Cancel, CallError> {
    http.call(Method::Put, cancel_url, Some(&auth(key)), None)
        .map(|_| Cancel::Stopped)
}

fn plain(value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_body_is_fal_s_klein_input() {
        let input = Input {
            prompt: "a kite".into(),
            width: 1024,
            height: 688,
            seed: 7,
            steps: 4,
            aspect: "3:2".into(),
            megapixels: "1".into(),
            references: vec!["data:image/jpeg;base64,AAAA".into()],
        };
        let body = body(&input);
        assert_eq!(body["image_size"]["height"], 688);
        assert_eq!(body["num_inference_steps"], 4);
        assert_eq!(body["output_format"], "png");
        assert_eq!(body["image_urls"][0], "data:image/jpeg;base64,AAAA");
    }
}
