//! Helpers for tests that drive the simulated engine through the real EngineManager.
#![allow(dead_code)]

use distillery::engine::protocol::{GenerateParams, LoadParams, Progress};
use distillery::engine::{EngineConfig, EngineHandle, EngineStatus, GenerateRequest, Timeouts};
use std::path::{Path, PathBuf};
use std::time::Duration;

pub fn sim_binary() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_cn-engine-sim"))
}

/// Fast delays, short timeouts: a whole lifecycle in well under a second.
pub fn fast_config(dir: &Path, env: &[(&str, &str)]) -> EngineConfig {
    let mut config = EngineConfig::new(sim_binary(), dir.join("engine-cwd"));
    config.timeouts = Timeouts {
        ping: Duration::from_secs(2),
        load: Duration::from_secs(5),
        generate: Duration::from_secs(20),
        other: Duration::from_secs(2),
        silence: Duration::from_millis(1500),
        quit_grace: Duration::from_millis(800),
        version: Duration::from_secs(5),
    };
    config.restart_backoff = Duration::from_millis(50);
    let mut vars: Vec<(String, String)> = [
        ("CN_SIM_LOAD_MS", "20"),
        ("CN_SIM_COND_MS", "5"),
        ("CN_SIM_ENCODE_MS", "5"),
        ("CN_SIM_STEP_MS", "5"),
        ("CN_SIM_DECODE_MS", "5"),
        ("CN_SIM_SAVE_MS", "1"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    for (key, value) in env {
        vars.retain(|(k, _)| k != key);
        vars.push((key.to_string(), value.to_string()));
    }
    config.env = vars;
    config
}

pub fn model() -> LoadParams {
    LoadParams {
        diffusion_model: Some("/models/flux2-klein-Q5_K.gguf".into()),
        vae: Some("/models/ae.safetensors".into()),
        llm: Some("/models/qwen3-4b-q8_0.gguf".into()),
        offload_to_cpu: Some(true),
        flash_attn: Some(true),
        vae_decode_only: Some(false),
        ..Default::default()
    }
}

pub fn params(dir: &Path, job: &str, prompt: &str) -> GenerateParams {
    GenerateParams {
        prompt: prompt.into(),
        width: 256,
        height: 176,
        seed: 1234,
        steps: 4,
        guidance: Some(3.5),
        sampling_method: "euler".into(),
        ref_images: Vec::new(),
        output: dir.join("out").join(format!("gen-{job}.png")).display().to_string(),
        use_prompt_cache: true,
        use_ref_latent_cache: true,
    }
}

pub fn job(dir: &Path, job: &str) -> (GenerateRequest, tokio::sync::mpsc::UnboundedReceiver<Progress>) {
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    let request = GenerateRequest {
        job_id: job.to_owned(),
        params: params(dir, job, "a quiet harbour at dawn"),
        progress: Some(tx),
    };
    (request, rx)
}

pub async fn wait_status(engine: &EngineHandle, what: &str, wanted: impl Fn(&EngineStatus) -> bool) -> EngineStatus {
    let status = engine.wait_for(Duration::from_secs(15), &wanted).await;
    assert!(wanted(&status), "waited for {what}, engine is {status:?}");
    status
}

pub async fn ready(engine: &EngineHandle) -> EngineStatus {
    wait_status(engine, "ready", EngineStatus::is_ready).await
}

/// Children of this test process that are simulated engines (running or zombie).
pub fn engine_children() -> Vec<String> {
    let me = std::process::id().to_string();
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        // pid (comm) state ppid ...
        let Some(close) = stat.rfind(')') else {
            continue;
        };
        let comm = &stat[stat.find('(').unwrap() + 1..close];
        let rest: Vec<&str> = stat[close + 2..].split_whitespace().collect();
        if comm.starts_with("cn-engine-sim") && rest.get(1) == Some(&me.as_str()) {
            found.push(format!("{} state {}", entry.file_name().to_string_lossy(), rest[0]));
        }
    }
    found
}
