//! Running one job: engine request, then the finished image into the library.
//!
//! Crash safety: the engine writes into `tmp/generation-outputs/<job>/`. When its result
//! arrives, `result.json` is written beside the image; before files are written into the
//! library, `tmp/finalizing/<media id>.json` lists them, and it is removed after the commit.
//! After a crash, recovery finishes a job whose result had arrived and removes files that no
//! row refers to (see `recovery.rs`).

use super::JobUpdate;
use crate::db::generations::{Generation, GenerationOutcome};
use crate::db::media::NewMedia;
use crate::db::queue::QueueJob;
use crate::db::types::{JobStatus, MediaId, MediaType, Origin, Timestamp};
use crate::db::{Database, jobs};
use crate::engine::protocol::{GenerateParams, GenerateResult};
use crate::engine::{EngineError, EngineHandle, GenerateRequest};
use crate::generation::StoredParams;
use crate::generation::metadata::{DISTILLERY_KEYWORD, ImageMetadata, PARAMETERS_KEYWORD};
use crate::library::files::write_atomically;
use crate::library::store::{StoreTimings, planned_paths, store_generated};
use crate::library::{LibraryError, LibraryFolder, LibraryRoot};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use tokio::sync::broadcast;

/// Where the time went between the engine's result and the committed row.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct FinishTimings {
    pub verify: Duration,
    pub write_original: Duration,
    pub thumbnail: Duration,
    pub transaction: Duration,
    pub total: Duration,
}

/// What a job run ended as.
#[derive(Debug, Clone, PartialEq)]
pub enum JobOutcome {
    Completed {
        media_id: MediaId,
        path: PathBuf,
        timings: FinishTimings,
    },
    Failed(String),
    Cancelled,
}

/// What the engine reported, kept on disk until the image is in the library.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ResultMarker {
    pub seed: i64,
    pub total_time_ms: u64,
    pub prompt_cache_hit: bool,
    pub ref_latent_cache_hit: bool,
}

impl ResultMarker {
    fn from_result(result: &GenerateResult) -> Self {
        Self {
            seed: result.seed,
            total_time_ms: result.total_time_ms,
            prompt_cache_hit: result.prompt_cache_hit,
            ref_latent_cache_hit: result.ref_latent_cache_hit,
        }
    }

    /// Keeps the marker as `result.json` in the job's folder, beside the image.
    pub fn write_in(&self, dir: &Path) -> Result<(), LibraryError> {
        write_atomically(&dir.join(RESULT_FILE), &serde_json::to_vec(self).unwrap_or_default())
    }

    /// The marker a job's folder holds, if a whole one is there.
    pub fn read_in(dir: &Path) -> Option<Self> {
        serde_json::from_slice(&std::fs::read(dir.join(RESULT_FILE)).ok()?).ok()
    }
}

/// The marker's file name in a job's folder.
const RESULT_FILE: &str = "result.json";

pub use crate::library::in_flight::FinalizingMarker;

/// Everything a running job needs.
#[derive(Clone)]
pub struct JobContext {
    pub db: Database,
    pub library: LibraryRoot,
    pub engine: EngineHandle,
    pub updates: broadcast::Sender<JobUpdate>,
    pub model_label: String,
    /// The client for hosted providers (one connection pool for all remote jobs).
    pub http: crate::remote::http::Http,
    /// Jobs each hosted provider runs at once.
    pub remote_slots: usize,
}

pub fn job_dir(library: &LibraryRoot, job: &QueueJob) -> Result<PathBuf, LibraryError> {
    Ok(library
        .folder(LibraryFolder::Tmp)?
        .join("generation-outputs")
        .join(job.id.as_str()))
}

pub fn output_path(dir: &Path, job: &QueueJob) -> PathBuf {
    dir.join(format!("gen-{}.png", job.id))
}

/// Runs `job` to its end and records the outcome in the database.
pub async fn run_job(ctx: JobContext, job: QueueJob, generation: Generation) -> JobOutcome {
    let started = Instant::now();
    let outcome = match engine_step(&ctx, &job, &generation, started).await {
        Ok(result) => {
            let marker = ResultMarker::from_result(&result);
            match finalize(&ctx, &job, &generation, &marker).await {
                Ok(outcome) => outcome,
                Err(message) => fail(&ctx, &job, &generation, message, started).await,
            }
        }
        Err(EngineError::Cancelled) => JobOutcome::Cancelled,
        Err(error) => fail(&ctx, &job, &generation, error.to_string(), started).await,
    };
    if let Ok(dir) = job_dir(&ctx.library, &job) {
        let _ = std::fs::remove_dir_all(dir);
    }
    outcome
}

pub(super) async fn fail(
    ctx: &JobContext,
    job: &QueueJob,
    generation: &Generation,
    message: String,
    started: Instant,
) -> JobOutcome {
    // The engine reports a full disk as a failed write; say it plainly.
    let message = if message.contains("No space left on device") || message.contains("os error 28") {
        format!(
            "The disk holding the library is full ({}). Free some space and retry the job. Details: {message}",
            ctx.library.path().display()
        )
    } else {
        message
    };
    tracing::warn!(job = %job.id, %message, "generation failed");
    let (db_job, db_generation, text) = (job.id.clone(), generation.id.clone(), message.clone());
    let elapsed = started.elapsed().as_millis() as i64;
    match ctx
        .db
        .call(move |conn| jobs::fail(conn, &db_job, &db_generation, &text, Some(elapsed)))
        .await
    {
        Ok(true) => JobOutcome::Failed(message),
        // The job was cancelled while it ran: that is what it ended as.
        Ok(false) => JobOutcome::Cancelled,
        Err(error) => JobOutcome::Failed(format!("{message} (and recording it failed: {error})")),
    }
}

/// Sends the job to the engine, forwarding its progress, and keeps its result on disk.
async fn engine_step(
    ctx: &JobContext,
    job: &QueueJob,
    generation: &Generation,
    started: Instant,
) -> Result<GenerateResult, EngineError> {
    let io_error = |e: LibraryError| EngineError::Unavailable(e.to_string());
    let dir = job_dir(&ctx.library, job).map_err(io_error)?;
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| io_error(LibraryError::io(&dir, e)))?;
    let stored = StoredParams::of(generation)
        .ok_or_else(|| EngineError::BadReply(crate::i18n::tr("the job's stored parameters are unreadable")))?;
    let references = stored
        .references
        .iter()
        .map(|relative| ctx.library.resolve(relative).map(|p| p.display().to_string()))
        .collect::<Result<Vec<_>, _>>()
        .map_err(io_error)?;
    let params = GenerateParams {
        prompt: generation.prompt.clone().unwrap_or_default(),
        width: generation.width.unwrap_or(1024),
        height: generation.height.unwrap_or(1024),
        seed: generation.seed.unwrap_or(0),
        steps: generation.steps.unwrap_or(4),
        guidance: generation.guidance,
        sampling_method: generation.sampling_method.clone().unwrap_or_else(|| "euler".into()),
        ref_images: references,
        output: output_path(&dir, job).display().to_string(),
        use_prompt_cache: true,
        use_ref_latent_cache: true,
    };

    let (progress_tx, mut progress) = tokio::sync::mpsc::unbounded_channel::<crate::engine::protocol::Progress>();
    let updates = ctx.updates.clone();
    let job_id = job.id.clone();
    let forward = tokio::spawn(async move {
        while let Some(event) = progress.recv().await {
            let mut update = JobUpdate::new(job_id.clone(), JobStatus::Processing);
            update.phase = Some(phase_label(&event.phase));
            update.step = event.step;
            update.total_steps = event.total_steps;
            update.elapsed = started.elapsed();
            let _ = updates.send(update);
        }
    });
    let request = GenerateRequest {
        job_id: job.id.to_string(),
        params,
        progress: Some(progress_tx),
    };
    let result = ctx.engine.generate(request).await;
    let _ = forward.await;
    let result = result?;
    ResultMarker::from_result(&result).write_in(&dir).map_err(io_error)?;
    Ok(result)
}

fn phase_label(phase: &crate::engine::protocol::Phase) -> String {
    use crate::engine::protocol::Phase;
    match phase {
        Phase::Conditioning | Phase::Encoding => crate::i18n::tr("Conditioning"),
        Phase::Sampling => crate::i18n::tr("Sampling"),
        Phase::Saving => crate::i18n::tr("Saving"),
        Phase::Upscaling => crate::i18n::tr("Upscaling"),
        Phase::Other(raw) => raw.clone(),
    }
}

/// Moves the engine's image into the library and commits its row. Idempotent across
/// crashes: recovery calls it again for a job whose result had arrived.
pub async fn finalize(
    ctx: &JobContext,
    job: &QueueJob,
    generation: &Generation,
    result: &ResultMarker,
) -> Result<JobOutcome, String> {
    let started = Instant::now();
    let dir = job_dir(&ctx.library, job).map_err(|e| e.to_string())?;
    let output = output_path(&dir, job);
    let media_id = MediaId::new();
    let now = time::OffsetDateTime::now_utc();
    let (file_path, thumb_path) = planned_paths(&media_id, now);
    ctx.library.folder(LibraryFolder::Tmp).map_err(|e| e.to_string())?;
    let marker_dir = crate::library::in_flight::markers_dir(&ctx.library);
    let marker_path = marker_dir.join(format!("{media_id}.json"));
    let marker = FinalizingMarker::new(media_id.to_string(), vec![file_path, thumb_path]);
    write_atomically(&marker_path, &serde_json::to_vec(&marker).unwrap_or_default()).map_err(|e| e.to_string())?;

    let metadata = image_metadata(ctx, generation, result);
    let library = ctx.library.clone();
    let id = media_id.clone();
    let stored = tokio::task::spawn_blocking(move || {
        let parameters = metadata.webui_parameters();
        let json = metadata.to_json();
        store_generated(
            &library,
            &output,
            &id,
            now,
            &[(PARAMETERS_KEYWORD, &parameters), (DISTILLERY_KEYWORD, &json)],
        )
    })
    .await
    .map_err(|e| e.to_string())?;
    let (stored, store_timings): (_, StoreTimings) = match stored {
        Ok(done) => done,
        Err(error) => {
            let _ = std::fs::remove_file(&marker_path);
            return Err(error.to_string());
        }
    };

    let transaction_started = Instant::now();
    let new_media = NewMedia {
        id: media_id.clone(),
        file_path: stored.file_path.clone(),
        thumb_path: Some(stored.thumb_path.clone()),
        file_name: format!("{media_id}.png"),
        media_type: MediaType::Image,
        origin: Origin::Generation,
        width: Some(stored.width as i32),
        height: Some(stored.height as i32),
        file_size: Some(stored.file_size as i64),
        generation_id: Some(generation.id.clone()),
        created_at: Timestamp::from_datetime(now),
        content_hash: Some(stored.content_hash.clone()),
    };
    let outcome = GenerationOutcome {
        seed: result.seed,
        total_time_ms: result.total_time_ms as i64,
        prompt_cache_hit: result.prompt_cache_hit,
        ref_latent_cache_hit: result.ref_latent_cache_hit,
    };
    let (db_job, db_generation) = (job.id.clone(), generation.id.clone());
    let committed = ctx
        .db
        .call(move |conn| jobs::complete(conn, &db_job, &db_generation, &outcome, &new_media))
        .await;
    let transaction = transaction_started.elapsed();
    let result = match committed {
        Ok(Some(_)) => {
            let timings = FinishTimings {
                verify: store_timings.verify,
                write_original: store_timings.write_original,
                thumbnail: store_timings.thumbnail,
                transaction,
                total: started.elapsed(),
            };
            Ok(JobOutcome::Completed {
                media_id,
                path: stored.original.clone(),
                timings,
            })
        }
        Ok(None) => {
            stored.remove();
            Ok(JobOutcome::Cancelled)
        }
        Err(error) => {
            stored.remove();
            Err(crate::i18n::fill(
                &crate::i18n::tr("saving the image failed: {}"),
                &[&error.to_string()],
            ))
        }
    };
    let _ = std::fs::remove_file(&marker_path);
    result
}

fn image_metadata(ctx: &JobContext, generation: &Generation, result: &ResultMarker) -> ImageMetadata {
    let stored = StoredParams::of(generation);
    ImageMetadata {
        generator: "Distillery".into(),
        version: env!("CARGO_PKG_VERSION").into(),
        prompt: generation.prompt.clone().unwrap_or_default(),
        seed: result.seed,
        steps: generation.steps.unwrap_or(4) as u32,
        guidance: generation.guidance.unwrap_or(3.5),
        sampler: generation.sampling_method.clone().unwrap_or_else(|| "euler".into()),
        width: generation.width.unwrap_or(0) as u32,
        height: generation.height.unwrap_or(0) as u32,
        model: generation.model_file.clone().unwrap_or_else(|| ctx.model_label.clone()),
        resolution: stored.as_ref().map(|s| s.resolution).unwrap_or(0),
        aspect: stored.as_ref().map(|s| s.aspect.clone()).unwrap_or_default(),
        reference_count: stored.as_ref().map(|s| s.references.len()).unwrap_or(0),
        generation_id: generation.id.to_string(),
        provider: generation.provider.clone(),
    }
}
