//! Running one job on a hosted provider: submit (recorded before anything else), poll,
//! download, then the same `finalize` as the local engine's images.
//!
//! Never pay twice: the request id is written to `remote_requests` the moment the submit
//! returns. A job that finds one there (after a crash, a restart or a retry) polls it
//! instead of submitting. Never lose a result: the image is downloaded into the job's
//! folder with `result.json` beside it, which recovery finishes like a local result.

use super::remote_calls::{JobLine, Stopped, other};
use super::run::{JobContext, JobOutcome, ResultMarker, fail, finalize, job_dir, output_path};
use crate::db::generations::Generation;
use crate::db::queue::QueueJob;
use crate::db::remote_requests::{self, RemoteRequest, RequestState};
use crate::generation::{Provider, StoredParams};
use crate::library::files::write_atomically;
use crate::remote::retry::{CallKind, Failure, FailureKind};
use crate::remote::{self, ApiKey, Input, Poll, Submitted, models};
use std::time::{Duration, Instant};
use tokio::sync::watch;

/// The first status poll comes this soon after the submit, and the gap grows to
/// [`SLOWEST_POLL`]: a quick result is picked up quickly, and a long queue costs a request
/// every two seconds, not a busy loop.
const FIRST_POLL: Duration = Duration::from_millis(100);
const SLOWEST_POLL: Duration = Duration::from_secs(2);

/// Runs `job` on its provider to its end and records the outcome.
pub async fn run_remote_job(
    ctx: JobContext,
    job: QueueJob,
    generation: Generation,
    cancel: watch::Receiver<bool>,
) -> JobOutcome {
    let started = Instant::now();
    let provider = Provider::parse(&generation.provider).unwrap_or(Provider::Fal);
    let mut line = JobLine {
        provider,
        job: job.id.clone(),
        started,
        updates: ctx.updates.clone(),
        cancel,
    };
    let outcome = match fetch_image(&ctx, &job, &generation, &mut line).await {
        Ok(marker) => match finalize(&ctx, &job, &generation, &marker).await {
            Ok(outcome) => {
                if matches!(outcome, JobOutcome::Completed { .. }) {
                    set_state(&ctx, &job, RequestState::Finished).await;
                }
                outcome
            }
            Err(message) => fail(&ctx, &job, &generation, message, started).await,
        },
        Err(Stopped::Cancelled) => JobOutcome::Cancelled,
        Err(Stopped::Failed(failure)) => {
            let state = match failure.kind {
                // The request may still finish: the job's retry polls it again.
                FailureKind::Unavailable | FailureKind::Other => None,
                FailureKind::Expired => Some(RequestState::Expired),
                _ => Some(RequestState::Failed),
            };
            if let Some(state) = state {
                set_state(&ctx, &job, state).await;
            }
            fail(&ctx, &job, &generation, failure.message, started).await
        }
    };
    if let Ok(dir) = job_dir(&ctx.library, &job) {
        let _ = std::fs::remove_dir_all(dir);
    }
    outcome
}

/// Submits (or finds the recorded request), polls and downloads; returns the marker of an
/// image waiting in the job's folder.
async fn fetch_image(
    ctx: &JobContext,
    job: &QueueJob,
    generation: &Generation,
    line: &mut JobLine,
) -> Result<ResultMarker, Stopped> {
    let provider = line.provider;
    let name = provider.display_name();
    let key = tokio::task::spawn_blocking(move || remote::keys::lookup(provider))
        .await
        .map_err(|_| other(crate::i18n::tr("the key lookup stopped unexpectedly")))?
        .map_err(|missing| Stopped::from(Failure::new(FailureKind::Auth, missing.to_string())))?
        .0;
    let stored = StoredParams::of(generation)
        .ok_or_else(|| other(crate::i18n::tr("the job's stored parameters are unreadable")))?;
    let model = generation
        .model_file
        .as_deref()
        .and_then(|id| models::find(provider, id))
        .or_else(|| models::default_for(provider))
        .ok_or_else(|| {
            other(crate::i18n::fill(
                &crate::i18n::tr("{} offers no model for this job"),
                &[name],
            ))
        })?;
    let endpoint = model.endpoint(stored.references.len());

    let id = job.id.clone();
    let recorded = ctx
        .db
        .call(move |conn| remote_requests::get(conn, &id))
        .await
        .map_err(|e| other(e.to_string()))?;
    let request = match recorded.filter(|r| r.state == RequestState::Submitted) {
        Some(row) => {
            line.phase(crate::i18n::fill(&crate::i18n::tr("Checking on it at {}"), &[name]));
            Submitted {
                request_id: row.request_id,
                status_url: row.status_url,
                result_url: row.result_url,
                cancel_url: row.cancel_url,
            }
        }
        None => submit(ctx, job, generation, &stored, endpoint, &key, line).await?,
    };

    let (image_url, seed) = match wait_for_result(ctx, &request, &key, line).await {
        Err(Stopped::Cancelled) => {
            cancel_request(ctx, job, provider, &key, &request).await;
            return Err(Stopped::Cancelled);
        }
        other => other?,
    };
    line.phase(crate::i18n::fill(&crate::i18n::tr("Downloading from {}"), &[name]));
    let http = ctx.http.clone();
    let bytes = line
        .call(CallKind::Download, crate::i18n::later("Downloading"), move || {
            http.download(&image_url)
        })
        .await?;
    let dir = job_dir(&ctx.library, job).map_err(|e| other(e.to_string()))?;
    let output = output_path(&dir, job);
    let png = tokio::task::spawn_blocking(move || as_png(bytes))
        .await
        .map_err(|_| other(crate::i18n::tr("reading the downloaded image stopped unexpectedly")))?
        .map_err(|reason| {
            Stopped::from(Failure::new(
                FailureKind::Rejected,
                format!("{name} sent an image Distillery cannot read ({reason})"),
            ))
        })?;
    let marker = ResultMarker {
        seed: seed.or(generation.seed).unwrap_or(0),
        total_time_ms: line.started.elapsed().as_millis() as u64,
        prompt_cache_hit: false,
        ref_latent_cache_hit: false,
    };
    std::fs::create_dir_all(&dir).map_err(|e| other(format!("{}: {e}", dir.display())))?;
    write_atomically(&output, &png).map_err(|e| other(e.to_string()))?;
    marker.write_in(&dir).map_err(|e| other(e.to_string()))?;
    Ok(marker)
}

/// Sends the job and records the request before anything else happens.
async fn submit(
    ctx: &JobContext,
    job: &QueueJob,
    generation: &Generation,
    stored: &StoredParams,
    endpoint: &'static str,
    key: &ApiKey,
    line: &mut JobLine,
) -> Result<Submitted, Stopped> {
    let provider = line.provider;
    let id = job.id.clone();
    // A request that failed, expired or was cancelled is done with: this run submits anew.
    ctx.db
        .call(move |conn| remote_requests::forget(conn, &id))
        .await
        .map_err(|e| other(e.to_string()))?;
    let input = input_for(ctx, generation, stored).await?;
    line.phase(crate::i18n::fill(
        &crate::i18n::tr("Sending to {}"),
        &[provider.display_name()],
    ));
    let (http, call_key, db, job_id) = (ctx.http.clone(), key.clone(), ctx.db.clone(), job.id.clone());
    // The submit and its record are one blocking step: whatever happens to this task (a
    // cancel, a shutdown's abort), a request the provider accepted is written down.
    let (submitted, still_wanted) = line
        .call(CallKind::Submit, crate::i18n::later("Sending"), move || {
            let submitted = remote::submit(provider, &http, &call_key, endpoint, &input)?;
            let row = RemoteRequest {
                job_id: job_id.clone(),
                provider: provider.as_str().into(),
                model: endpoint.into(),
                request_id: submitted.request_id.clone(),
                status_url: submitted.status_url.clone(),
                result_url: submitted.result_url.clone(),
                cancel_url: submitted.cancel_url.clone(),
                submitted_at: String::new(),
                state: RequestState::Submitted,
            };
            match db.call_blocking(move |conn| remote_requests::record(conn, &row)) {
                Ok(still_wanted) => Ok((submitted, still_wanted)),
                Err(error) => {
                    tracing::error!(job = %job_id, provider = provider.as_str(), request = %submitted.request_id, %error, "a hosted request could not be recorded");
                    Err(remote::http::CallError::Fatal(format!(
                        "{} took the job (request {}), but recording it failed: {error}",
                        provider.display_name(),
                        submitted.request_id
                    )))
                }
            }
        })
        .await?;
    tracing::info!(job = %job.id, provider = provider.as_str(), request = %submitted.request_id, "submitted to a hosted provider");
    if !still_wanted || line.cancelled() {
        cancel_request(ctx, job, provider, key, &submitted).await;
        return Err(Stopped::Cancelled);
    }
    Ok(submitted)
}

/// Polls until the provider has the image, with growing gaps.
async fn wait_for_result(
    ctx: &JobContext,
    request: &Submitted,
    key: &ApiKey,
    line: &mut JobLine,
) -> Result<(String, Option<i64>), Stopped> {
    let provider = line.provider;
    let name = provider.display_name();
    let mut gap = FIRST_POLL;
    loop {
        if line.sleep(gap).await {
            return Err(Stopped::Cancelled);
        }
        gap = (gap * 3 / 2).min(SLOWEST_POLL);
        let (http, call_key, polled) = (ctx.http.clone(), key.clone(), request.clone());
        match line
            .call(CallKind::Read, crate::i18n::later("Checking"), move || {
                remote::poll(provider, &http, &call_key, &polled)
            })
            .await?
        {
            Poll::Queued {
                position: Some(position),
            } => line.phase(crate::i18n::fill(
                &crate::i18n::tr("Waiting at {} (position {})"),
                &[name, &position.to_string()],
            )),
            Poll::Queued { position: None } => {
                line.phase(crate::i18n::fill(&crate::i18n::tr("Waiting at {}"), &[name]))
            }
            Poll::Running => line.phase(crate::i18n::fill(&crate::i18n::tr("Running on {}"), &[name])),
            Poll::Finished { image_url, seed } => return Ok((image_url, seed)),
            Poll::Failed(message) => return Err(Failure::new(FailureKind::Rejected, message).into()),
            Poll::Cancelled => {
                return Err(Failure::new(FailureKind::Rejected, format!("{name} cancelled the request")).into());
            }
            Poll::Expired => {
                return Err(remote::retry::expired(provider, &crate::i18n::tr("its output was removed")).into());
            }
        }
    }
}

/// Asks the provider to stop a request the user cancelled (once: the job is cancelled
/// whatever it answers). Only a confirmed stop marks the request cancelled: one that ran
/// anyway was paid for, so a Retry of the job polls it and gets its image instead of
/// submitting (and paying) again.
async fn cancel_request(ctx: &JobContext, job: &QueueJob, provider: Provider, key: &ApiKey, request: &Submitted) {
    let Some(url) = request.cancel_url.clone() else {
        return;
    };
    let (http, key) = (ctx.http.clone(), key.clone());
    let asked = tokio::task::spawn_blocking(move || remote::cancel(provider, &http, &key, &url)).await;
    match asked {
        Ok(Ok(remote::Cancel::Stopped)) => set_state(ctx, job, RequestState::Cancelled).await,
        Ok(Ok(remote::Cancel::TooLate)) => {
            tracing::info!(job = %job.id, provider = provider.as_str(), "the request had finished before the cancel; a retry fetches it")
        }
        Ok(Err(error)) => tracing::info!(
            job = %job.id,
            provider = provider.as_str(),
            ?error,
            "the provider did not confirm a cancel; a retry polls the request"
        ),
        Err(_) => {}
    }
}

async fn set_state(ctx: &JobContext, job: &QueueJob, state: RequestState) {
    let id = job.id.clone();
    if let Err(error) = ctx
        .db
        .call(move |conn| remote_requests::set_state(conn, &id, state))
        .await
    {
        tracing::warn!(job = %job.id, %error, "could not note the hosted request's state");
    }
}

/// What the provider is asked for: the job's parameters, with its references as data URLs.
async fn input_for(ctx: &JobContext, generation: &Generation, stored: &StoredParams) -> Result<Input, Stopped> {
    let paths = stored
        .references
        .iter()
        .map(|relative| ctx.library.resolve(relative))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| other(e.to_string()))?;
    let references = tokio::task::spawn_blocking(move || {
        paths
            .iter()
            .map(|path| data_url(path))
            .collect::<Result<Vec<_>, String>>()
    })
    .await
    .map_err(|_| other(crate::i18n::tr("reading the references stopped unexpectedly")))?
    .map_err(other)?;
    Ok(Input {
        prompt: generation.prompt.clone().unwrap_or_default(),
        width: generation.width.unwrap_or(1024),
        height: generation.height.unwrap_or(1024),
        seed: generation.seed.unwrap_or(0),
        steps: generation.steps.unwrap_or(4),
        aspect: stored.aspect.clone(),
        megapixels: if stored.resolution <= 512 { "0.25" } else { "1" }.into(),
        references,
    })
}

fn data_url(path: &std::path::Path) -> Result<String, String> {
    use base64::Engine;
    let bytes =
        std::fs::read(path).map_err(|e| format!("a reference image could not be read ({}): {e}", path.display()))?;
    let mime = if bytes.starts_with(b"\x89PNG") {
        "image/png"
    } else {
        "image/jpeg"
    };
    Ok(format!(
        "data:{mime};base64,{}",
        base64::engine::general_purpose::STANDARD.encode(bytes)
    ))
}

/// The downloaded image as PNG (the library keeps generated images as PNG, with their
/// parameters in text chunks); a PNG is kept byte for byte.
fn as_png(bytes: Vec<u8>) -> Result<Vec<u8>, String> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Ok(bytes);
    }
    let decoded = crate::library::decode::decode_bytes(&bytes).map_err(|problem| problem.0)?;
    let mut png = Vec::new();
    decoded
        .image
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .map_err(|e| e.to_string())?;
    Ok(png)
}
