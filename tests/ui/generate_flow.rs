//! The whole generation flow in Slint's testing backend, over the real queue and the
//! simulated engine as a child process: a library image becomes a reference, the prompt is
//! typed, aspect and resolution picked, Ctrl+Enter generates; the queue list shows the phases
//! and steps; the new image is first in the grid and the info panel shows how it was made;
//! and the engine received the prompt, the size and the prepared reference.

use crate::common;

use common::pipeline::Pipeline;
use common::ui::{demo, entries, pump_until, settle};
use distillery::engine::EngineStatus;
use distillery::ui::{GenerationAdapter, InfoAdapter, JobState, LibraryAdapter, show_engine_status};
use i_slint_backend_testing::ElementHandle;
use slint::ComponentHandle;
use slint::platform::{Key, WindowEvent};

#[test]
fn a_prompt_and_a_reference_become_an_image_at_the_top_of_the_grid() {
    common::init_testing_backend();
    let runtime = common::runtime();
    let app = demo(6);
    let request_log = app.dir.path().join("engine-requests.jsonl");
    let log = request_log.display().to_string();
    let mut pipeline = runtime.block_on(Pipeline::start_in(
        app,
        &[("CN_SIM_STEP_MS", "60"), ("CN_SIM_REQUEST_LOG", &log)],
        |_| {},
    ));
    let (main, mut updates) = common::ui::open_over_queue(&pipeline, &runtime);
    show_engine_status(
        &main.window,
        &runtime.block_on(
            pipeline
                .engine
                .wait_for(std::time::Duration::from_secs(10), EngineStatus::is_ready),
        ),
    );

    // The third image of the grid as a reference, from its context menu.
    let grid = main.window.global::<LibraryAdapter>();
    let reference = main.library.item_at(2).unwrap().id;
    grid.invoke_context_requested(2);
    grid.invoke_use_as_reference_requested();
    settle(&main);

    // The form, then Ctrl+K (focus the prompt) and Ctrl+Enter from the keyboard.
    let form = main.window.global::<GenerationAdapter>();
    ElementHandle::find_by_accessible_label(&main.window, "Prompt")
        .next()
        .unwrap()
        .set_accessible_value("a paper boat on a rain puddle");
    common::ui::press(&main, "Aspect 3:2", "the aspect toggles");
    form.set_resolution(0);
    form.invoke_choices_changed();
    assert_eq!(form.get_dimensions(), "512 × 336");
    let window = main.window.window();
    let control = |pressed: bool| {
        let text = Key::Control.into();
        window.dispatch_event(if pressed {
            WindowEvent::KeyPressed { text }
        } else {
            WindowEvent::KeyReleased { text }
        });
    };
    control(true);
    common::ui::key(&main, "k");
    common::ui::key(&main, Key::Return);
    control(false);
    assert_eq!(form.get_message(), "", "queued without a problem");

    pump_until(&main, &mut updates, "the job sampling", |list| {
        list.len() == 1 && list[0].state == JobState::Running && list[0].phase == "Sampling" && list[0].step >= 1
    });
    assert_eq!(entries(&main)[0].steps, 4);
    pump_until(&main, &mut updates, "the job to finish", |list| list.is_empty());
    let made = runtime.block_on(pipeline.updates_until_media());

    // The grid's live refresh (in the app, on every finished image) puts it first.
    main.library.refresh();
    settle(&main);
    assert_eq!(
        main.library.item_at(0).unwrap().id,
        made,
        "the new image leads the grid"
    );
    grid.invoke_cell_pressed(0, false, false);
    settle(&main);
    let info = main.window.global::<InfoAdapter>();
    assert_eq!(info.get_prompt(), "a paper boat on a rain puddle");
    assert_eq!(info.get_dimensions(), "512 × 336");
    assert_eq!(slint::Model::row_count(&info.get_references()), 1);

    // What the engine was asked.
    let requests = std::fs::read_to_string(&request_log).unwrap();
    let generate: serde_json::Value = requests
        .lines()
        .map(|line| serde_json::from_str::<serde_json::Value>(line).unwrap())
        .find(|request| request["cmd"] == "generate")
        .expect("a generate request");
    let params = &generate["params"];
    assert_eq!(params["prompt"], "a paper boat on a rain puddle");
    assert_eq!(
        (params["width"].as_i64(), params["height"].as_i64()),
        (Some(512), Some(336))
    );
    let refs = params["ref_images"].as_array().expect("reference images");
    assert_eq!(refs.len(), 1);
    let sent = std::path::Path::new(refs[0].as_str().unwrap());
    assert!(sent.is_absolute() && sent.exists(), "{sent:?}");
    assert!(
        sent.starts_with(pipeline.ctx.library.path().join("ref_cache")),
        "{sent:?}"
    );
    let inputs = runtime.block_on(pipeline.inputs_of(&made));
    assert_eq!(inputs[0].media_id.as_ref(), Some(&reference), "the reference is linked");
    runtime.block_on(pipeline.shutdown());
}
