//! The Settings dialog in the testing backend, over a real SQLite file: opened by Ctrl+, and
//! the title bar; a wrong model file is named beside its field and nothing is saved or
//! loaded; a saved form survives a restart and reaches new requests at once; switching to
//! a cn-engine binary with model files and back to the demo engine restarts the real
//! engine process each time (the simulated engine, as a child process, logs what it got);
//! corrupt stored values fall back to the defaults.

use crate::common;

use common::TempApp;
use common::ui::{demo, open, press, scroll_to_end, settle};
use distillery::engine::{EngineHandle, EngineStatus};
use distillery::settings::{self, EngineOptions, GenerationDefaults};
use distillery::ui::{EngineAdapter, MainWindow, SettingsAdapter};
use i_slint_backend_testing::ElementHandle;
use slint::platform::{Key, WindowEvent};
use slint::{ComponentHandle, Model};
use std::path::{Path, PathBuf};
use std::time::Duration;

const MB: u64 = 1024 * 1024;

fn ctrl_comma(main: &MainWindow) {
    common::ui::chord(main, &[Key::Control], ",");
}

fn labelled(main: &MainWindow, label: &str) -> ElementHandle {
    ElementHandle::find_by_accessible_label(&main.window, label)
        .next()
        .unwrap_or_else(|| panic!("nothing labelled {label:?}"))
}

fn shown(main: &MainWindow, label: &str) -> bool {
    ElementHandle::find_by_accessible_label(&main.window, label)
        .next()
        .is_some()
}

/// Types `text` into the field labelled `label`, as a user would (its edited callback runs).
fn type_into(main: &MainWindow, label: &str, text: &str) {
    labelled(main, label).set_accessible_value(text);
    settle(main);
}

fn sparse(path: &Path, head: &[u8], len: u64) -> PathBuf {
    let file = std::fs::File::create(path).unwrap();
    std::io::Write::write_all(&mut &file, head).unwrap();
    file.set_len(len).unwrap();
    path.to_owned()
}

/// A FLUX.2 Klein 9B set: real headers, plausible (sparse) sizes.
fn model_set(dir: &Path) -> [PathBuf; 3] {
    std::fs::create_dir_all(dir).unwrap();
    let mut vae_head = 200u64.to_le_bytes().to_vec();
    vae_head.extend_from_slice(b"{\"__metadata__\":{}}");
    [
        sparse(&dir.join("flux-2-klein-9b-Q4_K.gguf"), b"GGUF\x03\0\0\0", 5 * 1024 * MB),
        sparse(&dir.join("flux2-vae.safetensors"), &vae_head, 160 * MB),
        sparse(&dir.join("qwen3-8b-Q4_K.gguf"), b"GGUF\x03\0\0\0", 4 * 1024 * MB),
    ]
}

fn fill_models(main: &MainWindow, files: &[PathBuf; 3]) {
    for (label, file) in ["Diffusion model path", "VAE path", "Text encoder (LLM) path"]
        .into_iter()
        .zip(files)
    {
        type_into(main, label, &file.display().to_string());
    }
}

#[test]
fn a_wrong_model_file_is_named_and_nothing_is_saved() {
    common::init_testing_backend();
    let app = demo(2);
    let (ctx, main) = open(&app);
    let adapter = main.window.global::<SettingsAdapter>();

    press(&main, "Settings (Ctrl+,)", "the title bar opens the settings");
    settle(&main);
    assert!(adapter.get_open() && shown(&main, "Settings"));
    assert!(
        shown(&main, &format!("Distillery {}", env!("CARGO_PKG_VERSION"))),
        "the footer names this build's version"
    );
    press(&main, "Cancel", "the dialog has Cancel");
    assert!(!adapter.get_open());
    ctrl_comma(&main);
    assert!(adapter.get_open(), "Ctrl+, opens the settings");

    let files = model_set(&app.dir.path().join("models"));
    fill_models(&main, &files);
    let notes: Vec<_> = adapter
        .get_models()
        .iter()
        .map(|m| (m.note.to_string(), m.problem.to_string()))
        .collect();
    assert_eq!(
        notes[0],
        ("5.37 GB".to_owned(), String::new()),
        "a usable file says its size"
    );
    assert_eq!(adapter.get_base_model_index(), 1, "the 9B file chooses FLUX.2 Klein 9B");

    type_into(
        &main,
        "VAE path",
        &app.dir.path().join("models/missing.safetensors").display().to_string(),
    );
    type_into(&main, "Text encoder (LLM) path", &files[1].display().to_string());
    assert!(shown(&main, "⚠ missing.safetensors does not exist"), "checked as typed");
    assert!(shown(&main, "⚠ flux2-vae.safetensors is not a .gguf file"));

    press(&main, "Save", "the dialog has Save");
    settle(&main);
    assert!(adapter.get_open(), "a form with a wrong file stays open");
    assert_eq!(adapter.get_save_problem(), "Not saved: a model file cannot be used.");
    let stored = ctx.db.call_blocking(settings::read_engine_settings).unwrap();
    assert_eq!(stored.models, None, "nothing was stored");

    // Escape cancels; the next opening shows what is stored, not the abandoned edits.
    common::ui::key(&main, Key::Escape);
    settle(&main);
    assert!(!adapter.get_open());
    ctrl_comma(&main);
    assert!(adapter.get_models().iter().all(|m| m.path.is_empty()));
}

#[test]
fn saved_settings_survive_a_restart_and_reach_new_requests_at_once() {
    common::init_testing_backend();
    let app = demo(2);
    let files = model_set(&app.dir.path().join("models"));
    let sent = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
    {
        let (ctx, main) = open(&app);
        let into = sent.clone();
        main.connect_generation(std::rc::Rc::new(move |request| into.borrow_mut().push(request)));
        ctrl_comma(&main);
        let adapter = main.window.global::<SettingsAdapter>();
        fill_models(&main, &files);
        adapter.set_offload_to_cpu(false);
        adapter.set_threads(6);
        scroll_to_end(&main);
        adapter.set_steps(8);
        type_into(&main, "Guidance", "2.5");
        adapter.set_sampler_index(2);
        press(&main, "Save", "the dialog has Save");
        settle(&main);
        assert!(!adapter.get_open(), "{}", adapter.get_save_problem());

        // The generation panel uses the new defaults without a restart.
        main.window
            .global::<EngineAdapter>()
            .set_state(distillery::ui::EngineState::Ready);
        type_into(&main, "Prompt", "a lighthouse in fog");
        press(&main, "Generate", "the panel has Generate");
        let request = sent.borrow().last().cloned().expect("Generate sent a request");
        assert_eq!(
            (request.steps, request.guidance, request.sampler.as_str()),
            (8, 2.5, "heun")
        );
        ctx.db.flush_blocking().unwrap();
    }

    let (ctx, main) = open(&app);
    let stored = ctx.db.call_blocking(settings::read_engine_settings).unwrap();
    let models = stored.models.expect("the model files were stored");
    assert_eq!(models.diffusion_model, files[0]);
    assert_eq!(models.base_model.as_deref(), Some("FLUX.2 Klein 9B"));
    assert_eq!(
        stored.options,
        EngineOptions {
            offload_to_cpu: false,
            flash_attn: true,
            threads: 6
        }
    );
    ctrl_comma(&main);
    let adapter = main.window.global::<SettingsAdapter>();
    let paths: Vec<String> = adapter.get_models().iter().map(|m| m.path.to_string()).collect();
    assert_eq!(paths, files.iter().map(|f| f.display().to_string()).collect::<Vec<_>>());
    assert_eq!((adapter.get_threads(), adapter.get_offload_to_cpu()), (6, false));
    assert_eq!(
        (
            adapter.get_steps(),
            adapter.get_guidance().as_str(),
            adapter.get_sampler_index()
        ),
        (8, "2.5", 2)
    );
    assert_eq!(
        adapter.get_engine_pick(),
        0,
        "no binary chosen: the engine that came with the app"
    );

    scroll_to_end(&main);
    press(&main, "Reset to Defaults", "the advanced section can be reset");
    assert_eq!(
        (
            adapter.get_steps(),
            adapter.get_guidance().as_str(),
            adapter.get_sampler_index()
        ),
        (4, "3.5", 0)
    );
}

#[test]
fn corrupt_stored_settings_fall_back_to_the_defaults() {
    common::init_testing_backend();
    let app = demo(1);
    {
        let (ctx, _main) = open(&app);
        ctx.db
            .call_blocking(|c| {
                use distillery::db::app_settings::set;
                set(c, "engine.model_files", &serde_json::json!({"diffusion_model": 7}))?;
                set(c, "engine.binary", &serde_json::json!([1, 2]))?;
                set(c, "engine.options", &"fast please")?;
                set(
                    c,
                    "generation.defaults",
                    &serde_json::json!({"steps": 9000, "sampler": "dpm"}),
                )
            })
            .unwrap();
        ctx.db.flush_blocking().unwrap();
    }
    let (ctx, main) = open(&app);
    let plan = distillery::app::engine_plan(&ctx).unwrap();
    assert!(plan.is_demo, "an unreadable engine choice is the demo engine");
    ctrl_comma(&main);
    let adapter = main.window.global::<SettingsAdapter>();
    assert_eq!(adapter.get_engine_pick(), 0);
    assert!(adapter.get_models().iter().all(|m| m.path.is_empty()));
    assert_eq!(
        (
            adapter.get_offload_to_cpu(),
            adapter.get_flash_attn(),
            adapter.get_threads()
        ),
        (true, true, 0)
    );
    let defaults = GenerationDefaults::default();
    assert_eq!(adapter.get_steps(), defaults.steps as i32);
    assert_eq!(adapter.get_sampler_index(), 0);
}

#[test]
fn first_run_is_the_demo_engine_with_its_banner() {
    common::init_testing_backend();
    let app = TempApp::new();
    let (ctx, main) = open(&app);
    let plan = distillery::app::engine_plan(&ctx).unwrap();
    assert!(plan.is_demo);
    assert!(
        plan.config.binary.ends_with("cn-engine-sim"),
        "{}",
        plan.config.binary.display()
    );
    assert_eq!(
        plan.initial_load.as_ref().and_then(|l| l.diffusion_model.as_deref()),
        Some(distillery::app::DEMO_MODEL)
    );
    main.window.global::<EngineAdapter>().set_demo(plan.is_demo);
    settle(&main);
    assert!(shown(&main, "Demo engine banner"));
    assert!(shown(
        &main,
        "Demo engine — images are synthetic. Add model files in Settings to generate for real."
    ));
}

/// A cn-engine binary for the test: the simulated engine behind a script of another name,
/// logging every request to `log`.
fn real_engine(dir: &Path, log: &Path) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let script = dir.join("cn-engine");
    let sim = common::engine::sim_binary();
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\nCN_SIM_REQUEST_LOG='{}' exec '{}' \"$@\"\n",
            log.display(),
            sim.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    script
}

fn loads_in(log: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(log)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter(|v| v["cmd"] == "load")
        .collect()
}

fn wait_ready(runtime: &tokio::runtime::Runtime, engine: &EngineHandle, model: &str) -> EngineStatus {
    let status = runtime.block_on(engine.wait_for(
        Duration::from_secs(20),
        |s| matches!(s, EngineStatus::Ready { model: m } if m == model),
    ));
    assert_eq!(status, EngineStatus::Ready { model: model.into() });
    status
}

#[test]
fn switching_to_a_real_engine_and_back_to_demo_restarts_the_engine() {
    common::init_testing_backend();
    let app = demo(1);
    let runtime = common::runtime();
    let (ctx, main) = open(&app);
    let (demo_log, real_log) = (app.dir.path().join("demo.log"), app.dir.path().join("real.log"));
    let binary = real_engine(app.dir.path(), &real_log);
    let files = model_set(&app.dir.path().join("models"));

    let mut plan = distillery::app::engine_plan(&ctx).unwrap();
    assert!(plan.is_demo);
    plan.config.env = vec![
        ("CN_SIM_LOAD_MS".into(), "20".into()),
        ("CN_SIM_REQUEST_LOG".into(), demo_log.display().to_string()),
    ];
    let engine = {
        let _inside = runtime.enter();
        EngineHandle::start(plan.config.clone())
    };
    runtime
        .block_on(engine.load(plan.initial_load.clone().unwrap()))
        .unwrap();
    wait_ready(&runtime, &engine, distillery::app::DEMO_MODEL);
    let running = distillery::app::Running {
        runtime: runtime.handle().clone(),
        engine: engine.clone(),
        plan: std::rc::Rc::new(std::cell::RefCell::new(plan)),
    };
    distillery::ui::session::connect_engine_settings(
        &main,
        distillery::app::apply_engine_settings(&ctx, &running, None),
    );

    // To the "real" engine, with the model files.
    ctrl_comma(&main);
    press(
        &main,
        "Use the demo engine (synthetic images, no model files needed)",
        "the engine can be chosen",
    );
    type_into(&main, "Engine binary path", &binary.display().to_string());
    assert!(
        shown(&main, "✓ cn-engine 0.1.0-sim (sim)"),
        "the --version check shows inline"
    );
    fill_models(&main, &files);
    // A missing file first: nothing starts, nothing loads.
    type_into(&main, "VAE path", "/nowhere/ae.safetensors");
    press(&main, "Save", "the dialog has Save");
    settle(&main);
    assert!(main.window.global::<SettingsAdapter>().get_open());
    std::thread::sleep(Duration::from_millis(300));
    assert!(!real_log.exists(), "the chosen engine was not even started");
    assert_eq!(loads_in(&demo_log).len(), 1, "and nothing else was loaded");
    type_into(&main, "VAE path", &files[1].display().to_string());
    press(&main, "Save", "the dialog has Save");
    settle(&main);
    let adapter = main.window.global::<SettingsAdapter>();
    assert!(!adapter.get_open(), "{}", adapter.get_save_problem());
    assert!(!main.window.global::<EngineAdapter>().get_demo(), "the demo label goes");
    wait_ready(&runtime, &engine, "flux-2-klein-9b-Q4_K.gguf");
    let loads = loads_in(&real_log);
    assert_eq!(loads.len(), 1, "the new engine loaded the chosen files once: {loads:?}");
    assert_eq!(loads[0]["params"]["diffusion_model"], files[0].display().to_string());
    assert_eq!(loads[0]["params"]["vae"], files[1].display().to_string());
    assert_eq!(loads[0]["params"]["llm"], files[2].display().to_string());
    assert_eq!(loads_in(&demo_log).len(), 1, "the demo engine was not asked again");

    // Back to the demo engine: started again, loading the same files.
    ctrl_comma(&main);
    press(
        &main,
        "Use the demo engine (synthetic images, no model files needed)",
        "the engine can be chosen",
    );
    press(&main, "Save", "the dialog has Save");
    settle(&main);
    assert!(!adapter.get_open(), "{}", adapter.get_save_problem());
    assert!(main.window.global::<EngineAdapter>().get_demo());
    wait_ready(&runtime, &engine, "flux-2-klein-9b-Q4_K.gguf");
    assert_eq!(loads_in(&demo_log).len(), 2, "the demo engine started again and loaded");
    assert_eq!(loads_in(&real_log).len(), 1);
    runtime.block_on(engine.shutdown());
}

#[test]
fn the_dialog_is_worked_by_keyboard() {
    common::init_testing_backend();
    let app = demo(1);
    let (_ctx, main) = open(&app);
    ctrl_comma(&main);
    let adapter = main.window.global::<SettingsAdapter>();
    // Tab reaches the close button, then the first field; the next two pass its Choose…
    // button.
    common::ui::key(&main, Key::Tab);
    common::ui::key(&main, Key::Tab);
    common::ui::key(&main, "/");
    common::ui::key(&main, Key::Tab);
    common::ui::key(&main, Key::Tab);
    common::ui::key(&main, "/");
    settle(&main);
    let paths: Vec<String> = adapter.get_models().iter().map(|m| m.path.to_string()).collect();
    assert_eq!(paths, ["/", "/", ""]);
    assert!(shown(&main, "⚠ / is a folder, not a file"), "checked as typed");
    // Ctrl+Enter saves (and is refused here, naming the problem); Escape closes.
    let window = main.window.window();
    window.dispatch_event(WindowEvent::KeyPressed {
        text: Key::Control.into(),
    });
    common::ui::key(&main, Key::Return);
    window.dispatch_event(WindowEvent::KeyReleased {
        text: Key::Control.into(),
    });
    settle(&main);
    assert_eq!(adapter.get_save_problem(), "Not saved: a model file cannot be used.");
    common::ui::key(&main, Key::Escape);
    settle(&main);
    assert!(!adapter.get_open());
}

#[test]
fn a_model_set_in_the_models_folder_is_offered() {
    common::init_testing_backend();
    let app = demo(1);
    let models = app.dir.path().join("Models");
    let files = model_set(&models);
    let ctx = distillery::app::AppContext::open(&app.options()).unwrap();
    let mut view = ctx.load_startup_view().unwrap();
    view.settings_context.models_dir = Some(models.clone());
    let main = distillery::ui::build_main_window(&ctx.catalog(), &view, distillery::ui::LoadMode::OnDemand).unwrap();
    main.window.show().unwrap();
    settle(&main);
    ctrl_comma(&main);
    let adapter = main.window.global::<SettingsAdapter>();
    assert!(adapter.get_detected().starts_with("Found a FLUX.2 Klein set in "));
    press(&main, "Use These Files", "a found set can be taken in one press");
    settle(&main);
    let fields: Vec<_> = adapter.get_models().iter().collect();
    let paths: Vec<String> = fields.iter().map(|m| m.path.to_string()).collect();
    assert_eq!(paths, files.iter().map(|f| f.display().to_string()).collect::<Vec<_>>());
    assert!(
        fields.iter().all(|m| m.problem.is_empty() && !m.note.is_empty()),
        "each checked"
    );
    assert_eq!(adapter.get_detected(), "", "offered once");
    assert_eq!(adapter.get_base_model_index(), 1);
}

/// Where a real engine came with Distillery, Settings offers three engines; picking the
/// demo engine is stored and wins over the packaged one. (The testing backend's executable
/// has no resources folder, so the packaged engine's note is set by hand once the dialog has
/// loaded.)
#[test]
fn with_a_packaged_engine_the_demo_engine_can_still_be_picked() {
    common::init_testing_backend();
    let app = demo(1);
    let (ctx, main) = open(&app);
    ctrl_comma(&main);
    let adapter = main.window.global::<SettingsAdapter>();
    assert!(adapter.get_open());
    assert!(shown(
        &main,
        "Use the demo engine (synthetic images, no model files needed)"
    ));
    assert!(!shown(&main, "Engine to run"), "no engine came with this build");

    adapter.set_bundled_engine("cn-engine 0.4.0, in /usr/lib/distillery/bin".into());
    settle(&main);
    assert!(!shown(
        &main,
        "Use the demo engine (synthetic images, no model files needed)"
    ));
    assert!(
        shown(&main, "✓ cn-engine 0.4.0, in /usr/lib/distillery/bin"),
        "its version shows"
    );
    let engine = labelled(&main, "Engine to run");
    assert_eq!(
        engine.accessible_value().unwrap(),
        "The engine that came with Distillery"
    );
    // Down one, as a keyboard user picks from the list.
    let (at, size) = (engine.absolute_position(), engine.size());
    let position = slint::LogicalPosition::new(at.x + size.width / 2.0, at.y + size.height / 2.0);
    let button = slint::platform::PointerEventButton::Left;
    main.window
        .window()
        .dispatch_event(WindowEvent::PointerPressed { position, button });
    main.window
        .window()
        .dispatch_event(WindowEvent::PointerReleased { position, button });
    settle(&main);
    common::ui::key(&main, Key::DownArrow);
    common::ui::key(&main, Key::Return);
    settle(&main);
    assert_eq!(adapter.get_engine_pick(), 1);
    assert_eq!(
        labelled(&main, "Engine to run").accessible_value().unwrap(),
        "The demo engine (synthetic images)"
    );
    assert!(
        !labelled(&main, "Engine binary path")
            .accessible_enabled()
            .unwrap_or(true),
        "the binary field is for the third choice only"
    );
    press(&main, "Save", "the dialog has Save");
    settle(&main);
    assert!(!adapter.get_open(), "{}", adapter.get_save_problem());

    let stored = ctx.db.call_blocking(settings::engine_source).unwrap();
    assert_eq!(stored, settings::EngineSource::Demo);
    let plan = distillery::app::engine_plan(&ctx).unwrap();
    assert!(plan.is_demo, "the demo engine runs");

    // Opened again, the dialog shows the stored pick; "came with the app" clears it.
    ctrl_comma(&main);
    assert_eq!(adapter.get_engine_pick(), 1);
    adapter.set_engine_pick(0);
    press(&main, "Save", "the dialog has Save");
    settle(&main);
    let stored = ctx.db.call_blocking(settings::engine_source).unwrap();
    assert_eq!(stored, settings::EngineSource::CameWithApp);
}
