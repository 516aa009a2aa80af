//! The status bar's engine state over the real engine manager and the simulated engine: an
//! engine that cannot start ends in a red "Engine error" whose message is available in full,
//! and the status bar's Restart starts it again.

use crate::common;

use common::engine::fast_config;
use common::ui::{demo, open, settle};
use distillery::engine::{EngineHandle, EngineStatus};
use distillery::ui::{EngineAdapter, EngineState, MainWindow, show_engine_status};
use i_slint_backend_testing::ElementHandle;
use slint::ComponentHandle;
use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

fn wait_for(
    runtime: &tokio::runtime::Runtime,
    engine: &EngineHandle,
    wanted: impl Fn(&EngineStatus) -> bool,
) -> EngineStatus {
    let status = runtime.block_on(engine.wait_for(Duration::from_secs(20), &wanted));
    assert!(wanted(&status), "the engine reached {status:?}");
    status
}

/// The engine manager over the simulated engine, whose faults come from the returned file
/// (empty it to end them).
fn engine_with_faults(
    runtime: &tokio::runtime::Runtime,
    dir: &std::path::Path,
    faults: &str,
    restart_backoff: Option<Duration>,
) -> (EngineHandle, std::path::PathBuf) {
    let file = dir.join("faults");
    std::fs::write(&file, faults).unwrap();
    let mut config = fast_config(dir, &[("CN_SIM_FAULT_FILE", file.to_str().unwrap())]);
    if let Some(backoff) = restart_backoff {
        config.restart_backoff = backoff;
    }
    let _inside = runtime.enter();
    (EngineHandle::start(config), file)
}

fn labelled(main: &MainWindow, label: &str) -> usize {
    ElementHandle::find_by_accessible_label(&main.window, label).count()
}

#[test]
fn an_engine_error_shows_its_message_and_restart_recovers() {
    common::init_testing_backend();
    let app = demo(2);
    let (_ctx, main) = open(&app);
    let runtime = common::runtime();
    let dir = tempfile::tempdir().unwrap();
    let (engine, faults) = engine_with_faults(&runtime, dir.path(), "exit_on_start:7", None);

    let status = wait_for(&runtime, &engine, |s| matches!(s, EngineStatus::Error { .. }));
    show_engine_status(&main.window, &status);
    settle(&main);
    let adapter = main.window.global::<EngineAdapter>();
    assert_eq!(adapter.get_state(), EngineState::Error);
    assert_eq!(adapter.get_label(), "Engine error", "the bar's label stays short");
    assert!(adapter.get_message().contains("code 7"), "{}", adapter.get_message());
    let label = ElementHandle::find_by_accessible_label(&main.window, "Engine status: Engine error")
        .next()
        .expect("the status bar names the error");
    assert_eq!(label.accessible_description().unwrap(), adapter.get_message());

    // Restart from the status bar, with the fault gone.
    let restarts = Rc::new(Cell::new(0));
    let (count, restarter, handle) = (restarts.clone(), engine.clone(), runtime.handle().clone());
    adapter.on_restart_requested(move || {
        count.set(count.get() + 1);
        let engine = restarter.clone();
        handle.spawn(async move { engine.restart().await });
    });
    std::fs::write(&faults, "").unwrap();
    common::ui::press(&main, "Restart engine", "an engine error offers a restart");
    assert_eq!(restarts.get(), 1);
    let status = wait_for(&runtime, &engine, |s| *s == EngineStatus::Idle);
    show_engine_status(&main.window, &status);
    settle(&main);
    assert_eq!(adapter.get_state(), EngineState::Idle);
    assert_eq!(adapter.get_message(), "");
    assert_eq!(labelled(&main, "Restart engine"), 0, "no restart without an error");
    runtime.block_on(engine.shutdown());
}

#[test]
fn a_crash_during_a_job_turns_the_dot_red_until_the_engine_is_back_with_its_model() {
    common::init_testing_backend();
    let app = demo(1);
    let (_ctx, main) = open(&app);
    let runtime = common::runtime();
    let dir = tempfile::tempdir().unwrap();
    // A restart delay long enough to see the recovery from here.
    let (engine, faults) = engine_with_faults(&runtime, dir.path(), "crash_gen:2", Some(Duration::from_millis(600)));
    runtime.block_on(engine.load(common::engine::model())).unwrap();
    let ready = wait_for(&runtime, &engine, EngineStatus::is_ready);
    show_engine_status(&main.window, &ready);
    let adapter = main.window.global::<EngineAdapter>();
    assert_eq!(adapter.get_state(), EngineState::Ready);

    let (request, _progress) = common::engine::job(dir.path(), "crashes");
    let failed = runtime.block_on(engine.generate(request));
    assert!(failed.is_err(), "the job fails with the crash");
    std::fs::write(&faults, "").unwrap();
    let recovering = wait_for(&runtime, &engine, |s| matches!(s, EngineStatus::Recovering { .. }));
    show_engine_status(&main.window, &recovering);
    settle(&main);
    assert_eq!(adapter.get_state(), EngineState::Error, "red while it recovers");
    assert!(adapter.get_label().contains("restarting"), "{}", adapter.get_label());
    assert!(
        adapter.get_message().contains("starting again"),
        "{}",
        adapter.get_message()
    );

    let back = wait_for(&runtime, &engine, EngineStatus::is_ready);
    show_engine_status(&main.window, &back);
    settle(&main);
    assert_eq!(adapter.get_state(), EngineState::Ready, "green once the model is back");
    assert_eq!(adapter.get_message(), "");
    runtime.block_on(engine.shutdown());
}

/// "Unload" in the status bar, clicked: the real engine frees the model, the status bar says
/// it will load again, and no Unload is offered until a model is loaded again (nor while a
/// job runs).
#[test]
fn unload_in_the_status_bar_frees_the_model_until_the_next_job() {
    common::init_testing_backend();
    let runtime = common::runtime();
    let dir = tempfile::tempdir().unwrap();
    let app = demo(2);
    let (_ctx, main) = open(&app);
    let adapter = main.window.global::<EngineAdapter>();
    let (engine, _faults) = engine_with_faults(&runtime, dir.path(), "", None);
    wait_for(&runtime, &engine, |s| *s == EngineStatus::Idle);
    runtime.block_on(engine.load(common::engine::model())).unwrap();
    let status = wait_for(&runtime, &engine, EngineStatus::is_ready);
    show_engine_status(&main.window, &status);
    settle(&main);
    let (unloader, handle) = (engine.clone(), runtime.handle().clone());
    adapter.on_unload_requested(move || {
        let engine = unloader.clone();
        handle.spawn(async move { engine.unload().await.unwrap() });
    });
    common::ui::press(&main, "Unload model", "a loaded model can be unloaded");
    let status = wait_for(&runtime, &engine, |s| matches!(s, EngineStatus::Unloaded { .. }));
    show_engine_status(&main.window, &status);
    settle(&main);
    assert!(
        adapter.get_label().starts_with("Model unloaded: "),
        "{}",
        adapter.get_label()
    );
    assert!(
        ElementHandle::find_by_accessible_label(&main.window, "Unload model")
            .next()
            .is_none(),
        "nothing to unload"
    );
    show_engine_status(
        &main.window,
        &EngineStatus::Busy {
            job: "j".into(),
            model: "m".into(),
        },
    );
    settle(&main);
    assert!(
        ElementHandle::find_by_accessible_label(&main.window, "Unload model")
            .next()
            .is_none(),
        "not under a running job"
    );
    runtime.block_on(engine.shutdown());
}
