//! The window with a hosted provider, worked like a user: the Model picker (pointer click,
//! arrow keys) sends the next Generate to fal, the queue labels each job with where it runs
//! while a local job runs beside it, the image lands in the grid; without a connection a job
//! waits saying so and goes on by itself; without a key Generate is off and says what to
//! do; Settings shows where the key comes from, never the key.

mod common;

use common::fake_provider::{FakeProvider, Route};
use common::pipeline::Pipeline;
use common::ui::{click, demo, entries, key, pump_until, settle};
use distillery::ui::{GenerationAdapter, JobState, LibraryAdapter, ProvidersAdapter};
use i_slint_backend_testing::ElementHandle;
use slint::platform::Key;
use slint::{ComponentHandle, Model};
use std::time::{Duration, Instant};

const KEY: &str = "ui-test-key:secret";

fn element(main: &distillery::ui::MainWindow, label: &str) -> ElementHandle {
    ElementHandle::find_by_accessible_label(&main.window, label)
        .next()
        .unwrap_or_else(|| panic!("an element labelled {label:?}"))
}

/// Waits (pumping the event loop) until `done` holds.
fn wait_for(main: &distillery::ui::MainWindow, what: &str, done: impl Fn() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while !done() {
        assert!(Instant::now() < deadline, "waited for {what}");
        std::thread::sleep(Duration::from_millis(20));
        settle(main);
    }
}

#[test]
fn the_model_picker_sends_jobs_to_fal_beside_a_local_one() {
    // This test binary's only test: the environment is set before any other thread runs.
    let fake = FakeProvider::start(KEY);
    fake.set_delay(Duration::from_millis(1500));
    for (name, value) in fake.env() {
        unsafe { std::env::set_var(name, value) };
    }
    unsafe { std::env::remove_var("REPLICATE_API_TOKEN") };
    unsafe { std::env::set_var("DBUS_SESSION_BUS_ADDRESS", "") };
    unsafe { std::env::set_var("XDG_RUNTIME_DIR", "/nonexistent") };
    unsafe { std::env::set_var("DISTILLERY_REMOTE_BACKOFF_MS", "100") };

    common::init_testing_backend();
    let runtime = common::runtime();
    let pipeline = runtime.block_on(Pipeline::start_in(demo(4), &[("CN_SIM_STEP_MS", "150")], |_| {}));
    let (main, mut updates) = common::ui::open_over_queue(&pipeline, &runtime);
    distillery::ui::show_engine_status(
        &main.window,
        &distillery::engine::EngineStatus::Ready { model: "demo".into() },
    );

    let form = main.window.global::<GenerationAdapter>();
    let models: Vec<String> = form.get_models().iter().map(|m| m.to_string()).collect();
    assert_eq!(
        models,
        [
            "FLUX.2 Klein on this computer",
            "FLUX.2 Klein 4B on fal",
            "FLUX.2 Klein 9B on fal",
            "FLUX.2 Klein 4B on Replicate"
        ]
    );
    assert_eq!(form.get_model(), 0);

    // Replicate has no key here: Generate is off and says what to do.
    ElementHandle::find_by_accessible_label(&main.window, "Prompt")
        .next()
        .unwrap()
        .set_accessible_value("a lighthouse at dusk");
    click(&main, &element(&main, "Model and where it runs"), "the model picker");
    for _ in 0..3 {
        key(&main, Key::DownArrow);
    }
    key(&main, Key::Return);
    settle(&main);
    assert_eq!(form.get_model(), 3);
    wait_for(&main, "the key hint", || form.get_key_hint() != "");
    assert!(
        form.get_key_hint().contains("No Replicate API key"),
        "{}",
        form.get_key_hint()
    );
    assert!(!form.get_can_generate());
    assert_eq!(form.get_generate_hint(), form.get_key_hint());

    // fal has a key (FAL_KEY): two images there, then one on this computer.
    click(&main, &element(&main, "Model and where it runs"), "the model picker");
    key(&main, Key::UpArrow);
    key(&main, Key::UpArrow);
    key(&main, Key::Return);
    settle(&main);
    assert_eq!(form.get_model(), 1);
    wait_for(&main, "the key hint to clear", || form.get_key_hint() == "");
    assert!(form.get_can_generate());
    form.set_count(2);
    common::ui::press(&main, "Generate", "Generate");
    click(&main, &element(&main, "Model and where it runs"), "the model picker");
    key(&main, Key::UpArrow);
    key(&main, Key::Return);
    settle(&main);
    assert_eq!(form.get_model(), 0);
    form.set_count(1);
    common::ui::press(&main, "Generate", "Generate");

    pump_until(&main, &mut updates, "hosted and local jobs running at once", |shown| {
        let running: Vec<_> = shown.iter().filter(|e| e.state == JobState::Running).collect();
        running.iter().any(|e| e.runs_on == "fal") && running.iter().any(|e| e.runs_on == "This computer")
    });
    let labels: Vec<String> = entries(&main).iter().map(|e| e.runs_on.to_string()).collect();
    assert_eq!(labels.iter().filter(|l| *l == "fal").count(), 2, "{labels:?}");
    assert!(
        ElementHandle::find_by_accessible_label(&main.window, "Runs on fal").count() >= 1,
        "the label is on screen"
    );
    pump_until(&main, &mut updates, "every job done", |shown| shown.is_empty());
    assert_eq!(fake.count(Route::Submit), 2);
    // The grid's live refresh (in the app, on every finished image) shows them.
    main.library.refresh();
    wait_for(&main, "the grid to show the three new images", || {
        main.window.global::<LibraryAdapter>().get_filtered_count() == 7
    });

    // Without a connection the job waits in the queue, saying so, and goes on by itself once
    // fal can be reached again: one submit, one image.
    let port: u16 = fake
        .base()
        .rsplit(':')
        .next()
        .unwrap()
        .trim_end_matches('/')
        .parse()
        .unwrap();
    drop(fake);
    click(&main, &element(&main, "Model and where it runs"), "the model picker");
    key(&main, Key::DownArrow);
    key(&main, Key::Return);
    settle(&main);
    assert_eq!(form.get_model(), 1);
    common::ui::press(&main, "Generate", "Generate");
    pump_until(&main, &mut updates, "the queue to say fal is out of reach", |shown| {
        shown.iter().any(|e| e.phase.contains("No connection to fal"))
    });
    let back = FakeProvider::start_on(KEY, port);
    pump_until(&main, &mut updates, "the waiting job to finish", |shown| {
        shown.is_empty()
    });
    assert_eq!(back.count(Route::Submit), 1);
    main.library.refresh();
    wait_for(&main, "the grid to show the image made after the wait", || {
        main.window.global::<LibraryAdapter>().get_filtered_count() == 8
    });

    // Settings: where each key comes from, never the key.
    main.window
        .global::<distillery::ui::SettingsAdapter>()
        .invoke_open_requested();
    let providers = main.window.global::<ProvidersAdapter>();
    wait_for(&main, "the key lines", || {
        providers.get_providers().iter().all(|p| !p.status.contains("Looking"))
    });
    let lines: Vec<(String, String)> = providers
        .get_providers()
        .iter()
        .map(|p| (p.name.to_string(), p.status.to_string()))
        .collect();
    assert_eq!(
        lines[0],
        ("fal".into(), "Key set by FAL_KEY in the environment.".into())
    );
    assert!(lines[1].1.starts_with("No key yet"), "{lines:?}");
    assert!(lines.iter().all(|(_, line)| !line.contains("ui-test-key")));
    // Saving a key with no keyring says so under its provider, and keeps nothing.
    providers.invoke_save_key(1, "r8_pasted".into());
    wait_for(&main, "the keyring's answer", || {
        providers
            .get_providers()
            .row_data(1)
            .is_some_and(|p| !p.problem.is_empty())
    });
    let problem = providers.get_providers().row_data(1).unwrap().problem.to_string();
    assert!(problem.contains("REPLICATE_API_TOKEN"), "{problem}");

    // Jobs at once per provider: the spin box, clicked and stepped up by keyboard, is saved
    // at once for the queue to follow.
    let slots = common::ui::scroll_until_shown(&main, "Jobs at once per provider");
    assert_eq!(slots.accessible_value().unwrap_or_default(), "4");
    click(&main, &slots, "the jobs-at-once box");
    key(&main, Key::UpArrow);
    settle(&main);
    let db = pipeline.ctx.db.clone();
    wait_for(&main, "the new number of jobs at once to be saved", || {
        db.call_blocking(distillery::queue::remote_slots).unwrap() == 5
    });
}
