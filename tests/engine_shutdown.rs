//! Shutting down a hung engine: it ignores `quit`, so it is killed after the grace period
//! and reaped — no process, not even a zombie, is left. (Its own test binary, so no other
//! test's engines are around when the children are counted.)

mod common;

use common::engine::*;
use distillery::engine::{EngineError, EngineHandle};
use std::time::{Duration, Instant};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hung_engine_is_killed_after_the_grace_period_and_reaped() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = fast_config(dir.path(), &[("CN_SIM_FAULT", "hang_gen:1")]);
    config.timeouts.silence = Duration::from_secs(60);
    let grace = config.timeouts.quit_grace;
    let engine = EngineHandle::start(config);
    engine.load(model()).await.unwrap();
    let (request, mut progress) = job(dir.path(), "hangs");
    let running = tokio::spawn({
        let engine = engine.clone();
        async move { engine.generate(request).await }
    });
    progress.recv().await.expect("the generation started");
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(engine_children().len(), 1, "one engine runs");

    let begun = Instant::now();
    engine.shutdown().await;
    let took = begun.elapsed();
    assert!(took >= grace, "quit was given its grace period ({took:?})");
    assert!(
        took < grace + Duration::from_secs(2),
        "then the engine was killed ({took:?})"
    );
    assert!(matches!(running.await.unwrap(), Err(EngineError::ShutDown)));
    assert_eq!(
        engine_children(),
        Vec::<String>::new(),
        "no engine process or zombie is left"
    );
}
