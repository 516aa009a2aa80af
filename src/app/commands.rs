//! `distillery generate` and `distillery queue`: the same queue and engine as the window,
//! driven from the command line. Results go to stdout, progress to stderr.

use super::AppContext;
use crate::cli::{GenerateArgs, GlobalOptions, QueueAction, QueueArgs};
use crate::db::types::{JobId, JobStatus};
use crate::db::{generations, queue as queue_rows};
use crate::engine::EngineHandle;
use crate::generation::{GenerationRequest, ReferenceSource};
use crate::queue::{QueueHandle, RowWatch};
use anyhow::bail;
use std::collections::HashSet;
use std::io::Write;

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("distillery-worker")
        .enable_all()
        .build()?)
}

pub fn generate(global: &GlobalOptions, args: &GenerateArgs) -> anyhow::Result<()> {
    let ctx = AppContext::open(global)?;
    let outcome = generate_in(&ctx, args);
    ctx.close();
    outcome
}

fn generate_in(ctx: &AppContext, args: &GenerateArgs) -> anyhow::Result<()> {
    ctx.require_writable()?;
    let plan = super::engine_plan(ctx)?;
    let load = plan.initial_load.clone();
    if load.is_none() && !args.provider.is_remote() {
        bail!(
            "no model files are configured for the engine {}: set CN_MODEL_DIFFUSION, CN_MODEL_VAE and CN_MODEL_LLM, use --engine demo, or generate with --provider fal|replicate",
            plan.config.binary.display()
        );
    }
    let request = GenerationRequest {
        provider: args.provider,
        model: args.model.clone(),
        references: args.references.iter().cloned().map(ReferenceSource::File).collect(),
        resolution: args.resolution,
        aspect: args.aspect,
        count: args.count,
        seed: args.seed,
        ..GenerationRequest::new(args.prompt.clone())
    };
    request.validate().map_err(anyhow::Error::msg)?;

    runtime()?.block_on(async move {
        let mut local = None;
        let outcome = run_generate(ctx, &plan.config, load, request, &mut local).await;
        if let Some(local) = local {
            local.stop().await;
        }
        outcome
    })
}

/// Waits until the queue holds a local job: a run of hosted images loads the local model
/// only if another process queues local work meanwhile (it would only take memory).
async fn local_job_waiting(db: crate::db::Database) {
    let local = crate::generation::Provider::Local.as_str();
    loop {
        if let Ok(Some(_)) = db.call(move |conn| queue_rows::next_pending_for(conn, local)).await {
            return;
        }
        tokio::time::sleep(crate::db::changes::POLL_EVERY).await;
    }
}

/// The engine and queue this process runs while it owns the library.
struct LocalQueue {
    engine: EngineHandle,
    queue: QueueHandle,
    /// Why the model could not be loaded, once the engine has given up on it.
    load_failed: tokio::sync::watch::Receiver<Option<String>>,
}

impl LocalQueue {
    /// Starts the engine, loads the model and starts the queue (which recovers what an
    /// earlier owner left).
    async fn start(
        ctx: &AppContext,
        config: &crate::engine::EngineConfig,
        load: Option<crate::engine::protocol::LoadParams>,
        load_when_needed: bool,
    ) -> anyhow::Result<Self> {
        let model = load.as_ref().map(|l| l.model_label()).unwrap_or_default();
        let engine = EngineHandle::start(config.clone());
        let (queue, recovered) = QueueHandle::start(
            ctx.db.clone(),
            ctx.library.clone(),
            engine.clone(),
            model.clone(),
            ctx.ownership.clone(),
        )
        .await?;
        if recovered.finished + recovered.requeued + recovered.failed > 0 {
            eprintln!(
                "Recovered an interrupted queue: {} finished, {} queued again, {} failed as interrupted.",
                recovered.finished, recovered.requeued, recovered.failed
            );
        }
        let loader = engine.clone();
        let (failed, load_failed) = tokio::sync::watch::channel(None);
        let Some(load) = load else {
            // Hosted jobs only: the local engine waits without a model.
            return Ok(Self {
                engine,
                queue,
                load_failed,
            });
        };
        let db = ctx.db.clone();
        tokio::spawn(async move {
            if load_when_needed {
                local_job_waiting(db).await;
            }
            eprintln!("Loading {model}…");
            if let Err(error) = loader.load(load).await {
                // The queue would wait for a model forever: the waiting loop ends instead.
                tracing::error!(%error, "the model could not be loaded");
                eprintln!("The model could not be loaded: {error}");
                let _ = failed.send(Some(error.to_string()));
            }
        });
        Ok(Self {
            engine,
            queue,
            load_failed,
        })
    }

    /// No new jobs, a moment for the running one, then the engine quits.
    async fn stop(self) {
        if self.queue.shutdown(super::shutdown::JOB_GRACE).await == crate::queue::ShutdownOutcome::LeftRunning {
            eprintln!(
                "A job that was still running will be finished or run again the next time Distillery opens this library."
            );
        }
        self.engine.shutdown().await;
    }
}

/// Where the waiting loop's news comes from.
enum News {
    Update(Box<crate::queue::JobUpdate>),
    /// The local queue's channel lagged or closed: the rows still tell.
    Missed,
    Tick,
    Stop,
    /// The engine gave up loading the model: no image can be made.
    LoadFailed,
}

async fn run_generate(
    ctx: &AppContext,
    config: &crate::engine::EngineConfig,
    load: Option<crate::engine::protocol::LoadParams>,
    request: GenerationRequest,
    local: &mut Option<LocalQueue>,
) -> anyhow::Result<()> {
    let hosted = request.provider.is_remote();
    let stop = std::sync::Arc::new(tokio::sync::Notify::new());
    let stopper = stop.clone();
    super::shutdown::on_stop_signal(move || stopper.notify_one());

    let model = load.as_ref().map(|l| l.model_label()).unwrap_or_default();
    if ctx.ownership.is_owner() {
        *local = Some(LocalQueue::start(ctx, config, load.clone(), hosted).await?);
    }
    let jobs = match local.as_ref() {
        Some(running) => running.queue.submit(request).await?,
        None => {
            let jobs =
                crate::queue::submit(&ctx.db, &ctx.library, request, Some(model).filter(|m| !m.is_empty())).await?;
            eprintln!(
                "This library is open in {}; it runs these images.",
                ctx.ownership.describe_owner()
            );
            jobs
        }
    };
    let total = jobs.len();
    eprintln!("Queued {total} image{}.", if total == 1 { "" } else { "s" });

    let mut rows = RowWatch::jobs(&jobs);
    let mut updates = local.as_ref().map(|l| l.queue.subscribe());
    let mut load_failed = local.as_ref().map(|l| l.load_failed.clone());
    let mut ticks = tokio::time::interval(crate::db::changes::POLL_EVERY);
    let mut waiting: HashSet<JobId> = jobs.iter().cloned().collect();
    let mut report = Report::new(&jobs);
    while !waiting.is_empty() {
        let news = tokio::select! {
            update = next_update(&mut updates) => match update {
                Some(update) => News::Update(Box::new(update)),
                None => News::Missed,
            },
            _ = ticks.tick() => News::Tick,
            () = stop.notified() => News::Stop,
            // Hosted images do not need the local model.
            () = load_failure(&mut load_failed), if !hosted => News::LoadFailed,
        };
        match news {
            News::Update(update) => report.show(&update, &mut waiting)?,
            News::Missed => updates = None,
            News::Stop => {
                let left = waiting.len();
                bail!(
                    "stopped before {left} of {total} images were made; they stay queued and run the next time Distillery opens this library (distillery queue cancel ID drops one)"
                );
            }
            News::LoadFailed => {
                let left = waiting.len();
                bail!(
                    "no image was made because the model could not be loaded; {left} of {total} stay queued and run the next time Distillery opens this library with a working engine (distillery queue cancel ID drops one)"
                );
            }
            News::Tick => {
                if local.is_none() && ctx.ownership.try_take().unwrap_or(false) {
                    eprintln!("The Distillery that ran this library has ended; running the queue here.");
                    let started = LocalQueue::start(ctx, config, load.clone(), hosted).await?;
                    updates = Some(started.queue.subscribe());
                    load_failed = Some(started.load_failed.clone());
                    *local = Some(started);
                }
                for update in rows.changes(&ctx.db, &ctx.library).await? {
                    report.show(&update, &mut waiting)?;
                }
            }
        }
    }
    if report.failed > 0 {
        bail!("{} of {total} images failed", report.failed);
    }
    Ok(())
}

/// Resolves once the local engine has given up loading the model; never without a local
/// queue, or while the load may still succeed.
async fn load_failure(failed: &mut Option<tokio::sync::watch::Receiver<Option<String>>>) {
    let Some(receiver) = failed else {
        return std::future::pending().await;
    };
    if receiver.wait_for(Option::is_some).await.is_err() {
        // The loader ended without a failure.
        std::future::pending::<()>().await;
    }
}

/// The local queue's next update; `None` when its channel lagged or closed. Never resolves
/// without a local queue.
async fn next_update(
    updates: &mut Option<tokio::sync::broadcast::Receiver<crate::queue::JobUpdate>>,
) -> Option<crate::queue::JobUpdate> {
    match updates {
        Some(receiver) => receiver.recv().await.ok(),
        None => std::future::pending().await,
    }
}

/// Prints a generate run's progress to stderr and each stored image to stdout.
struct Report {
    jobs: Vec<JobId>,
    failed: usize,
    last_line: String,
}

impl Report {
    fn new(jobs: &[JobId]) -> Self {
        Self {
            jobs: jobs.to_vec(),
            failed: 0,
            last_line: String::new(),
        }
    }

    /// Shows one update of one of this run's jobs; updates of other jobs, and repeats of a
    /// job's end (the queue and the rows may both tell it), are skipped.
    fn show(&mut self, update: &crate::queue::JobUpdate, waiting: &mut HashSet<JobId>) -> anyhow::Result<()> {
        if !waiting.contains(&update.job_id) {
            return Ok(());
        }
        let total = self.jobs.len();
        let number = self.jobs.iter().position(|j| *j == update.job_id).map_or(0, |i| i + 1);
        match update.status {
            JobStatus::Processing => {
                let line = match (&update.phase, update.step, update.total_steps) {
                    (Some(phase), Some(step), Some(total_steps)) => {
                        format!("[{number}/{total}] {phase} {step}/{total_steps}")
                    }
                    (Some(phase), _, _) => format!("[{number}/{total}] {phase}"),
                    // A repeat of the start (the rows tell it too) after a phase is no news.
                    _ if self.last_line.starts_with(&format!("[{number}/{total}] ")) => return Ok(()),
                    _ => format!("[{number}/{total}] Starting"),
                };
                if line != self.last_line {
                    eprintln!("{line}");
                    self.last_line = line;
                }
            }
            JobStatus::Completed => {
                waiting.remove(&update.job_id);
                if let Some((media_id, path)) = &update.media {
                    let mut out = std::io::stdout().lock();
                    writeln!(out, "{media_id}\t{}", path.display())?;
                    out.flush()?;
                }
                eprintln!("[{number}/{total}] Done in {:.1} s", update.elapsed.as_secs_f64());
            }
            JobStatus::Cancelled => {
                waiting.remove(&update.job_id);
                self.failed += 1;
                eprintln!("[{number}/{total}] Cancelled (job {})", update.job_id);
            }
            JobStatus::Failed => {
                waiting.remove(&update.job_id);
                self.failed += 1;
                let reason = update.error.clone().unwrap_or_else(|| "failed".into());
                eprintln!("[{number}/{total}] Failed: {reason}");
            }
            JobStatus::Pending => {}
        }
        Ok(())
    }
}

pub fn queue(global: &GlobalOptions, args: &QueueArgs) -> anyhow::Result<()> {
    let ctx = AppContext::open(global)?;
    let outcome = queue_in(&ctx, args);
    ctx.close();
    outcome
}

fn queue_in(ctx: &AppContext, args: &QueueArgs) -> anyhow::Result<()> {
    match &args.action {
        None => {
            let rows = ctx.db.call_blocking(|conn| {
                let jobs = queue_rows::recent(conn, 50)?;
                let mut rows = Vec::new();
                for job in jobs {
                    let prompt = generations::get(conn, &job.generation_id)?
                        .and_then(|g| g.prompt)
                        .unwrap_or_default();
                    rows.push((job, prompt));
                }
                Ok(rows)
            })?;
            if rows.is_empty() {
                eprintln!("The queue is empty.");
            }
            let mut out = std::io::stdout().lock();
            for (job, prompt) in rows {
                let snippet: String = prompt.replace(['\n', '\t'], " ").chars().take(60).collect();
                let error = job
                    .error_message
                    .map(|e| format!("\t{}", e.lines().next().unwrap_or_default()))
                    .unwrap_or_default();
                writeln!(
                    out,
                    "{}\t{}\t{}\t{}{error}",
                    job.id, job.status, job.created_at, snippet
                )?;
            }
            Ok(())
        }
        Some(QueueAction::Cancel { id }) => {
            let job = JobId::from_string(id.clone());
            let lookup = job.clone();
            let found = ctx.db.call_blocking(move |conn| queue_rows::get(conn, &lookup))?;
            let Some(found) = found else {
                bail!("there is no job {id}")
            };
            let cancelled = ctx.db.call_blocking(move |conn| {
                Ok(queue_rows::cancel_pending(conn, &job)? || queue_rows::cancel_processing(conn, &job)?)
            })?;
            if !cancelled {
                bail!("job {id} has already ended ({})", found.status);
            }
            eprintln!("Cancelled job {id}.");
            Ok(())
        }
    }
}
