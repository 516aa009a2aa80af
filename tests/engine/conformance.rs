//! The engine manager against the simulated engine as a real child process: lifecycle,
//! many generations, every fault switch, timeouts and cancellation.

use crate::common;

use common::engine::*;
use distillery::engine::protocol::{ErrorCode, Phase};
use distillery::engine::{CancelMode, EngineError, EngineHandle, EngineStatus};
use std::time::{Duration, Instant};

async fn started(dir: &std::path::Path, env: &[(&str, &str)]) -> EngineHandle {
    let engine = EngineHandle::start(fast_config(dir, env));
    wait_status(&engine, "idle after start", |s| *s == EngineStatus::Idle).await;
    engine
}

async fn loaded(dir: &std::path::Path, env: &[(&str, &str)]) -> EngineHandle {
    let engine = started(dir, env).await;
    engine.load(model()).await.expect("the model loads");
    ready(&engine).await;
    engine
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn full_lifecycle_and_twenty_generations_in_a_row() {
    let dir = tempfile::tempdir().unwrap();
    let engine = started(dir.path(), &[]).await;
    assert!(engine.ping().await.unwrap() < Duration::from_secs(1));
    let status = engine.engine_status().await.unwrap();
    assert!(!status.model_loaded);

    let reply = engine.load(model()).await.unwrap();
    assert_eq!(reply.model_info, "flux2-klein-Q5_K.gguf");
    assert_eq!(
        ready(&engine).await,
        EngineStatus::Ready {
            model: "flux2-klein-Q5_K.gguf".into()
        }
    );

    for i in 0..20 {
        let (request, mut progress) = job(dir.path(), &format!("job-{i}"));
        let output = request.params.output.clone();
        let result = engine.generate(request).await.unwrap();
        assert_eq!(result.output, output);
        assert_eq!(result.seed, 1234, "the seed the app chose is the seed reported");
        assert_eq!(
            result.prompt_cache_hit,
            i > 0,
            "the same prompt hits the cache from the second time"
        );
        let image = image::open(&output).unwrap();
        assert_eq!((image.width(), image.height()), (256, 176));
        let mut phases = Vec::new();
        while let Ok(event) = progress.try_recv() {
            phases.push((event.phase, event.step));
        }
        assert_eq!(phases.first(), Some(&(Phase::Conditioning, None)));
        let steps: Vec<u32> = phases
            .iter()
            .filter(|(p, _)| *p == Phase::Sampling)
            .filter_map(|(_, s)| *s)
            .collect();
        assert_eq!(steps, [0, 1, 2, 3, 4]);
        assert_eq!(phases.last(), Some(&(Phase::Saving, None)));
    }
    assert!(engine.engine_status().await.unwrap().model_loaded);
    engine.unload().await.unwrap();
    // Unloaded, not idle: the model is remembered and loads again for the next job.
    wait_status(&engine, "unloaded", |s| matches!(s, EngineStatus::Unloaded { .. })).await;
    engine.shutdown().await;
    assert_eq!(*engine.status().borrow(), EngineStatus::Stopped);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn generating_without_a_model_is_the_engines_no_model_error() {
    let dir = tempfile::tempdir().unwrap();
    let engine = started(dir.path(), &[]).await;
    let (request, _) = job(dir.path(), "early");
    let error = engine.generate(request).await.unwrap_err();
    assert_eq!(error.code(), Some(&ErrorCode::NoModel), "{error}");
    engine.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crash_mid_generation_fails_that_job_and_the_engine_comes_back_with_its_model() {
    let dir = tempfile::tempdir().unwrap();
    // A fault file, cleared after the failure: the restarted engine counts generations anew.
    let faults = dir.path().join("faults");
    std::fs::write(&faults, "crash_gen:2").unwrap();
    let file = faults.display().to_string();
    let engine = loaded(dir.path(), &[("CN_SIM_FAULT_FILE", &file)]).await;
    let (request, _) = job(dir.path(), "doomed");
    let error = engine.generate(request).await.unwrap_err();
    std::fs::write(&faults, "").unwrap();
    assert!(
        matches!(error, EngineError::Exited { code: Some(134), .. }),
        "{error:?}"
    );
    let message = error.to_string();
    assert!(
        message.starts_with("Engine exited unexpectedly (code 134)"),
        "{message}"
    );
    assert!(
        message.contains("simulated fault: crash_gen"),
        "the engine's last words are in the message: {message}"
    );

    ready(&engine).await;
    let (request, _) = job(dir.path(), "after");
    engine
        .generate(request)
        .await
        .expect("the restarted engine, with its model reloaded, generates");
    engine.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hung_generation_times_out_and_the_engine_is_restarted() {
    let dir = tempfile::tempdir().unwrap();
    let faults = dir.path().join("faults");
    std::fs::write(&faults, "hang_gen:1").unwrap();
    let file = faults.display().to_string();
    let engine = loaded(dir.path(), &[("CN_SIM_FAULT_FILE", &file)]).await;
    let (request, _) = job(dir.path(), "stuck");
    let started = Instant::now();
    let error = engine.generate(request).await.unwrap_err();
    std::fs::write(&faults, "").unwrap();
    assert!(matches!(error, EngineError::Timeout { .. }), "{error:?}");
    assert!(error.to_string().contains("did not answer the generation"), "{error}");
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "the silence watchdog fired, not the total budget"
    );
    ready(&engine).await;
    let (request, _) = job(dir.path(), "after");
    engine.generate(request).await.unwrap();
    engine.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_engine_error_fails_the_job_without_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    for (code, expected) in [
        ("GENERATION_FAILED", ErrorCode::GenerationFailed),
        ("NO_OUTPUT", ErrorCode::NoOutput),
    ] {
        let fault = format!("error_gen:{code}");
        let engine = loaded(dir.path(), &[("CN_SIM_FAULT", &fault), ("CN_SIM_FAULT_NTH", "1")]).await;
        let (request, _) = job(dir.path(), "fails");
        let error = engine.generate(request).await.unwrap_err();
        assert_eq!(error.code(), Some(&expected), "{error}");
        assert!(
            engine.status().borrow().is_ready(),
            "still ready: no restart for an engine-reported error"
        );
        let (request, _) = job(dir.path(), "next");
        engine.generate(request).await.unwrap();
        engine.shutdown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_lines_on_stdout_are_skipped() {
    let dir = tempfile::tempdir().unwrap();
    for fault in ["malformed_line", "oversized_line:2000000", "stderr_flood"] {
        let engine = loaded(dir.path(), &[("CN_SIM_FAULT", fault)]).await;
        let (request, _) = job(dir.path(), "noisy");
        let result = engine.generate(request).await;
        assert!(result.is_ok(), "{fault}: {result:?}");
        assert!(engine.ping().await.is_ok(), "{fault}: the engine still answers");
        engine.shutdown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_result_without_a_usable_file_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    for fault in ["truncated_png", "missing_output"] {
        let engine = loaded(dir.path(), &[("CN_SIM_FAULT", fault)]).await;
        let (request, _) = job(dir.path(), fault);
        let error = engine.generate(request).await.unwrap_err();
        assert!(matches!(error, EngineError::BadOutput { .. }), "{fault}: {error:?}");
        assert!(error.to_string().contains(fault), "{fault}: names the file: {error}");
        engine.shutdown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn load_faults_end_in_the_documented_states() {
    let dir = tempfile::tempdir().unwrap();

    let engine = started(dir.path(), &[("CN_SIM_FAULT", "fail_load")]).await;
    let error = engine.load(model()).await.unwrap_err();
    assert_eq!(error.code(), Some(&ErrorCode::CtxCreationFailed), "{error}");
    assert_eq!(
        *engine.status().borrow(),
        EngineStatus::Idle,
        "a failed load leaves no model"
    );
    engine.shutdown().await;

    let engine = started(dir.path(), &[("CN_SIM_FAULT", "slow_load:300")]).await;
    let begun = Instant::now();
    engine.load(model()).await.unwrap();
    assert!(begun.elapsed() >= Duration::from_millis(300));
    engine.shutdown().await;

    let mut config = fast_config(dir.path(), &[("CN_SIM_FAULT", "hang_load")]);
    config.timeouts.load = Duration::from_millis(600);
    let engine = EngineHandle::start(config);
    wait_status(&engine, "idle", |s| *s == EngineStatus::Idle).await;
    let error = engine.load(model()).await.unwrap_err();
    assert!(matches!(error, EngineError::Timeout { .. }), "{error:?}");
    wait_status(&engine, "idle again after the restart", |s| *s == EngineStatus::Idle).await;
    engine.shutdown().await;

    let engine = started(dir.path(), &[("CN_SIM_FAULT", "exit_on_load:3")]).await;
    let error = engine.load(model()).await.unwrap_err();
    assert!(matches!(error, EngineError::Exited { code: Some(3), .. }), "{error:?}");
    wait_status(&engine, "idle again after the restart", |s| *s == EngineStatus::Idle).await;
    engine.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_engine_that_never_starts_ends_in_the_error_state() {
    let dir = tempfile::tempdir().unwrap();
    for (fault, words) in [("exit_on_start:7", "code 7"), ("ping_silent", "health check")] {
        let mut config = fast_config(dir.path(), &[("CN_SIM_FAULT", fault)]);
        config.timeouts.ping = Duration::from_millis(300);
        let engine = EngineHandle::start(config);
        let status = wait_status(&engine, "the error state", |s| matches!(s, EngineStatus::Error { .. })).await;
        let EngineStatus::Error { message } = &status else {
            unreachable!()
        };
        assert!(message.contains(words), "{fault}: {message}");
        assert!(status.label().starts_with("Engine error: "));
        let (request, _) = job(dir.path(), "nowhere");
        let error = engine.generate(request).await.unwrap_err();
        assert!(matches!(error, EngineError::Unavailable(_)), "{fault}: {error:?}");
        engine.shutdown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_binary_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = fast_config(dir.path(), &[]);
    config.binary = dir.path().join("no-such-engine");
    let engine = EngineHandle::start(config);
    let status = wait_status(&engine, "the error state", |s| matches!(s, EngineStatus::Error { .. })).await;
    assert!(status.label().contains("no-such-engine"), "{status:?}");
    engine.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn faults_from_a_file_apply_while_the_engine_runs() {
    let dir = tempfile::tempdir().unwrap();
    let fault_file = dir.path().join("faults");
    std::fs::write(&fault_file, "").unwrap();
    let file = fault_file.display().to_string();
    let engine = loaded(dir.path(), &[("CN_SIM_FAULT_FILE", &file)]).await;
    let (request, _) = job(dir.path(), "fine");
    engine.generate(request).await.unwrap();
    std::fs::write(&fault_file, "error_gen:GENERATION_FAILED").unwrap();
    let (request, _) = job(dir.path(), "bad");
    assert_eq!(
        engine.generate(request).await.unwrap_err().code(),
        Some(&ErrorCode::GenerationFailed)
    );
    std::fs::write(&fault_file, "").unwrap();
    let (request, _) = job(dir.path(), "fine-again");
    engine.generate(request).await.unwrap();
    engine.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancelling_soft_discards_the_result_and_hard_restarts_the_engine() {
    let dir = tempfile::tempdir().unwrap();
    let engine = loaded(dir.path(), &[("CN_SIM_STEP_MS", "150")]).await;

    // Soft: the engine finishes, the file is deleted, the model stays loaded.
    let (request, mut progress) = job(dir.path(), "soft");
    let output = request.params.output.clone();
    let running = tokio::spawn({
        let engine = engine.clone();
        async move { engine.generate(request).await }
    });
    progress.recv().await.expect("the job started");
    engine.cancel("soft", CancelMode::Soft).await;
    let error = running.await.unwrap().unwrap_err();
    assert!(matches!(error, EngineError::Cancelled), "{error:?}");
    assert!(
        !std::path::Path::new(&output).exists(),
        "the discarded image was deleted"
    );
    assert!(engine.status().borrow().is_ready());

    // A waiting job is dropped; the running one carries on.
    let (first, mut first_progress) = job(dir.path(), "first");
    let (second, _) = job(dir.path(), "second");
    let first = tokio::spawn({
        let engine = engine.clone();
        async move { engine.generate(first).await }
    });
    first_progress.recv().await.unwrap();
    let second = tokio::spawn({
        let engine = engine.clone();
        async move { engine.generate(second).await }
    });
    tokio::time::sleep(Duration::from_millis(50)).await;
    engine.cancel("second", CancelMode::Soft).await;
    assert!(matches!(second.await.unwrap(), Err(EngineError::Cancelled)));
    first.await.unwrap().expect("the running job was not disturbed");

    // Hard: the answer comes at once, and the engine comes back with its model.
    let (request, mut progress) = job(dir.path(), "hard");
    let running = tokio::spawn({
        let engine = engine.clone();
        async move { engine.generate(request).await }
    });
    progress.recv().await.unwrap();
    let cancelled_at = Instant::now();
    engine.cancel("hard", CancelMode::Hard).await;
    let error = running.await.unwrap().unwrap_err();
    assert!(matches!(error, EngineError::Cancelled), "{error:?}");
    assert!(
        cancelled_at.elapsed() < Duration::from_millis(500),
        "no waiting for the remaining steps"
    );
    ready(&engine).await;
    assert!(
        engine.engine_status().await.unwrap().model_loaded,
        "the model was reloaded"
    );
    engine.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn real_engine_conformance_when_configured() {
    let Ok(binary) = std::env::var("CN_ENGINE_BIN") else {
        eprintln!(
            "skipped the real cn-engine part: CN_ENGINE_BIN is not set (also set CN_MODEL_DIFFUSION, CN_MODEL_VAE, CN_MODEL_LLM)"
        );
        return;
    };
    let var = |name: &str| std::env::var(name).unwrap_or_else(|_| panic!("{name} must be set with CN_ENGINE_BIN"));
    let dir = tempfile::tempdir().unwrap();
    let mut config = distillery::engine::EngineConfig::new(binary.into(), dir.path().join("cwd"));
    config.restart_backoff = Duration::from_secs(1);
    let engine = EngineHandle::start(config);
    wait_status(&engine, "idle", |s| *s == EngineStatus::Idle).await;
    let params = distillery::engine::protocol::LoadParams {
        diffusion_model: Some(var("CN_MODEL_DIFFUSION")),
        vae: Some(var("CN_MODEL_VAE")),
        llm: Some(var("CN_MODEL_LLM")),
        offload_to_cpu: Some(true),
        flash_attn: Some(true),
        vae_decode_only: Some(false),
        ..Default::default()
    };
    engine.load(params).await.unwrap();
    for i in 0..3 {
        let (request, _) = job(dir.path(), &format!("real-{i}"));
        engine.generate(request).await.unwrap();
    }
    engine.shutdown().await;
}
