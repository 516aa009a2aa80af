//! `distillery generate` and `distillery queue`: the same queue and engine as the window,
//! driven from the command line. Results go to stdout, progress to stderr.

use super::AppContext;
use crate::cli::{GenerateArgs, GlobalOptions, QueueAction, QueueArgs};
use crate::db::types::{JobId, JobStatus};
use crate::db::{generations, queue as queue_rows};
use crate::engine::EngineHandle;
use crate::generation::{GenerationRequest, ReferenceSource};
use crate::queue::QueueHandle;
use anyhow::{Context as _, bail};
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
    let plan = super::engine_plan(&ctx)?;
    let Some(load) = plan.initial_load.clone() else {
        bail!(
            "no model files are configured for the engine {}: set CN_MODEL_DIFFUSION, CN_MODEL_VAE and CN_MODEL_LLM, or use --engine demo",
            plan.config.binary.display()
        );
    };
    let request = GenerationRequest {
        references: args.references.iter().cloned().map(ReferenceSource::File).collect(),
        resolution: args.resolution,
        aspect: args.aspect,
        count: args.count,
        seed: args.seed,
        ..GenerationRequest::new(args.prompt.clone())
    };
    request.validate().map_err(anyhow::Error::msg)?;

    runtime()?.block_on(async move {
        let engine = EngineHandle::start(plan.config);
        let outcome = run_generate(&ctx, &engine, load, request).await;
        engine.shutdown().await;
        outcome
    })
}

async fn run_generate(
    ctx: &AppContext,
    engine: &EngineHandle,
    load: crate::engine::protocol::LoadParams,
    request: GenerationRequest,
) -> anyhow::Result<()> {
    let model = load.model_label();
    let (queue, recovered) =
        QueueHandle::start(ctx.db.clone(), ctx.library.clone(), engine.clone(), model.clone()).await?;
    if recovered.finished + recovered.requeued + recovered.failed > 0 {
        eprintln!(
            "Recovered an interrupted queue: {} finished, {} queued again, {} failed as interrupted.",
            recovered.finished, recovered.requeued, recovered.failed
        );
    }
    let mut updates = queue.subscribe();
    eprintln!("Loading {model}…");
    let loader = engine.clone();
    let loading = tokio::spawn(async move { loader.load(load).await });
    let jobs = queue.submit(request).await?;
    let total = jobs.len();
    eprintln!("Queued {total} image{}.", if total == 1 { "" } else { "s" });
    if let Err(error) = loading.await.context("the model load task failed")? {
        bail!("the model could not be loaded: {error}");
    }

    let mut waiting: HashSet<JobId> = jobs.iter().cloned().collect();
    let mut failed = 0;
    let mut last_line = String::new();
    while !waiting.is_empty() {
        let update = match updates.recv().await {
            Ok(update) => update,
            Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => continue,
            Err(_) => bail!("the queue stopped unexpectedly"),
        };
        if !waiting.contains(&update.job_id) {
            continue;
        }
        let number = jobs.iter().position(|j| *j == update.job_id).map_or(0, |i| i + 1);
        match update.status {
            JobStatus::Processing => {
                let line = match (&update.phase, update.step, update.total_steps) {
                    (Some(phase), Some(step), Some(total_steps)) => {
                        format!("[{number}/{total}] {phase} {step}/{total_steps}")
                    }
                    (Some(phase), _, _) => format!("[{number}/{total}] {phase}"),
                    _ => format!("[{number}/{total}] Starting"),
                };
                if line != last_line {
                    eprintln!("{line}");
                    last_line = line;
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
            JobStatus::Failed | JobStatus::Cancelled => {
                waiting.remove(&update.job_id);
                failed += 1;
                let reason = update.error.clone().unwrap_or_else(|| "cancelled".into());
                eprintln!("[{number}/{total}] Failed: {reason}");
            }
            JobStatus::Pending => {}
        }
    }
    if failed > 0 {
        bail!("{failed} of {total} images failed");
    }
    Ok(())
}

pub fn queue(global: &GlobalOptions, args: &QueueArgs) -> anyhow::Result<()> {
    let ctx = AppContext::open(global)?;
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
