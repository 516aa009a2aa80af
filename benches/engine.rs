//! Engine manager benchmark against the simulated engine (all simulated delays zero, so
//! what is measured is the app's own path: channels, pipes, framing, parsing, routing).
//! - ping round trip through the manager: median and p99 of 2000;
//! - progress event latency, from the engine writing the line to a subscriber receiving it
//!   (the simulator stamps sampling events when CN_SIM_STAMP=1): median and p99;
//! - restart + reload: from `restart()` until a ping queued behind the reload is answered,
//!   median of 15.
//!
//! Run with `cargo bench --bench engine`.

use distillery::engine::protocol::{GenerateParams, LoadParams};
use distillery::engine::{EngineConfig, EngineHandle, GenerateRequest};
use std::time::{Duration, Instant};

fn percentile(values: &mut [f64], p: f64) -> f64 {
    values.sort_by(|a, b| a.total_cmp(b));
    values[((values.len() - 1) as f64 * p).round() as usize]
}

fn unix_nanos() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos()
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let dir = tempfile::tempdir().unwrap();
        let mut config = EngineConfig::new(env!("CARGO_BIN_EXE_cn-engine-sim").into(), dir.path().join("cwd"));
        config.restart_backoff = Duration::from_millis(0);
        config.env = ["LOAD", "COND", "ENCODE", "STEP", "DECODE", "SAVE"]
            .iter()
            .map(|name| (format!("CN_SIM_{name}_MS"), "0".to_owned()))
            .chain([("CN_SIM_LOAD_NOISE".to_owned(), "0".to_owned()), ("CN_SIM_STAMP".to_owned(), "1".to_owned())])
            .collect();
        let engine = EngineHandle::start(config);
        let model = LoadParams { diffusion_model: Some("/m/flux2-klein.gguf".into()), vae_decode_only: Some(false), ..Default::default() };
        engine.load(model).await.unwrap();

        for _ in 0..200 {
            engine.ping().await.unwrap();
        }
        let mut rtt: Vec<f64> = Vec::new();
        for _ in 0..2000 {
            let started = Instant::now();
            engine.ping().await.unwrap();
            rtt.push(started.elapsed().as_secs_f64() * 1e6);
        }
        println!("ping round trip: median {:.0} us, p99 {:.0} us (2000 pings)", percentile(&mut rtt, 0.5), percentile(&mut rtt, 0.99));

        let mut latency: Vec<f64> = Vec::new();
        for i in 0..40 {
            let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
            let params = GenerateParams {
                prompt: format!("bench {i}"),
                width: 64,
                height: 64,
                seed: i,
                steps: 25,
                guidance: None,
                sampling_method: "euler".into(),
                ref_images: Vec::new(),
                output: dir.path().join(format!("b{i}.png")).display().to_string(),
                use_prompt_cache: true,
                use_ref_latent_cache: true,
            };
            let generating = engine.generate(GenerateRequest { job_id: format!("bench-{i}"), params, progress: Some(tx) });
            let collect = async {
                while let Some(event) = rx.recv().await {
                    let received = unix_nanos();
                    if let Some(sent) = event.message.as_deref().and_then(|m| m.strip_prefix("sent_ns=")) {
                        let sent: u128 = sent.parse().unwrap();
                        latency.push((received.saturating_sub(sent)) as f64 / 1000.0);
                    }
                }
            };
            let (result, ()) = tokio::join!(generating, collect);
            result.unwrap();
        }
        let events = latency.len();
        println!(
            "progress event, engine stdout to subscriber: median {:.0} us, p99 {:.0} us ({events} events)",
            percentile(&mut latency, 0.5),
            percentile(&mut latency, 0.99)
        );

        let mut restarts: Vec<f64> = Vec::new();
        for _ in 0..15 {
            let started = Instant::now();
            engine.restart().await;
            // Queued behind the restart and the automatic reload: answered once both are done.
            engine.ping().await.unwrap();
            assert!(engine.status().borrow().is_ready());
            restarts.push(started.elapsed().as_secs_f64() * 1000.0);
        }
        println!(
            "restart + reload (kill, spawn, health ping, load; simulated load time 0): median {:.1} ms, max {:.1} ms (15 restarts)",
            percentile(&mut restarts, 0.5),
            percentile(&mut restarts, 1.0)
        );
        engine.shutdown().await;
    });
}
