//! What survives a restart (real SQLite file in a temp dir): the generation form (prompt,
//! resolution, aspect) and a closed demo banner; a corrupt saved form falls back to the
//! defaults with a warning instead of failing the start.

use crate::common;

use common::ui::{demo, open, press, settle};
use distillery::ui::{EngineAdapter, GenerationAdapter, MainWindow, ShellAdapter};
use i_slint_backend_testing::ElementHandle;
use slint::ComponentHandle;

fn banner_shown(main: &MainWindow) -> bool {
    ElementHandle::find_by_accessible_label(&main.window, "Demo engine banner")
        .next()
        .is_some()
}

#[test]
fn the_generation_form_and_a_closed_demo_banner_survive_a_restart() {
    common::init_testing_backend();
    let app = demo(2);
    {
        let (ctx, main) = open(&app);
        let form = main.window.global::<GenerationAdapter>();
        ElementHandle::find_by_accessible_label(&main.window, "Prompt")
            .next()
            .unwrap()
            .set_accessible_value("a greenhouse at night,\nrain on the glass");
        press(&main, "Aspect 16:9", "the aspect toggles");
        form.set_resolution(0);
        form.invoke_choices_changed();
        assert_eq!(form.get_dimensions(), "512 × 288");

        main.window.global::<EngineAdapter>().set_demo(true);
        settle(&main);
        assert!(banner_shown(&main), "first run with the demo engine shows the banner");
        press(&main, "Close the demo banner", "the banner has a close button");
        settle(&main);
        assert!(!banner_shown(&main));
        ctx.db.flush_blocking().unwrap();
    }

    let (_ctx, main) = open(&app);
    let form = main.window.global::<GenerationAdapter>();
    assert_eq!(form.get_prompt(), "a greenhouse at night,\nrain on the glass");
    assert!(!form.get_prompt_blank());
    assert_eq!((form.get_resolution(), form.get_aspect()), (0, 3));
    assert_eq!(form.get_dimensions(), "512 × 288");
    main.window.global::<EngineAdapter>().set_demo(true);
    settle(&main);
    assert!(main.window.global::<ShellAdapter>().get_demo_banner_dismissed());
    assert!(!banner_shown(&main), "closed once, it stays closed");
}

#[test]
fn a_corrupt_saved_form_falls_back_to_the_defaults() {
    common::init_testing_backend();
    let app = demo(1);
    {
        let (ctx, _main) = open(&app);
        ctx.db
            .call_blocking(|c| {
                distillery::db::app_settings::set(c, "ui.generation_form", &serde_json::json!([1, 2, "not a form"]))?;
                distillery::db::app_settings::set(c, "ui.demo_banner_dismissed", &"maybe")
            })
            .unwrap();
        ctx.db.flush_blocking().unwrap();
    }
    let (_ctx, main) = open(&app);
    let form = main.window.global::<GenerationAdapter>();
    assert_eq!(form.get_prompt(), "");
    assert_eq!(form.get_dimensions(), "1024 × 1024");
    assert!(!main.window.global::<ShellAdapter>().get_demo_banner_dismissed());
}

#[test]
fn the_current_image_and_an_open_loupe_come_back() {
    common::init_testing_backend();
    let app = demo(12);
    let chosen;
    {
        let (ctx, main) = open(&app);
        distillery::ui::place::remember(&main, &ctx.catalog());
        main.window
            .global::<distillery::ui::LibraryAdapter>()
            .invoke_cell_pressed(7, false, false);
        chosen = main.library.item_at(7).unwrap().id;
        main.window
            .global::<distillery::ui::LoupeAdapter>()
            .invoke_open_requested();
        settle(&main);
        assert!(main.window.global::<distillery::ui::LoupeAdapter>().get_open());
        ctx.db.flush_blocking().unwrap();
    }
    let (ctx, main) = open(&app);
    let state = ctx.load_startup_view().unwrap().ui_state;
    distillery::ui::place::restore(&main, &state);
    settle(&main);
    assert!(
        main.window.global::<distillery::ui::LoupeAdapter>().get_open(),
        "the loupe reopens"
    );
    assert_eq!(main.library.selection(), std::slice::from_ref(&chosen));
    assert_eq!(main.library.current_id(), Some(chosen));

    // Closed again, the next start shows the grid.
    distillery::ui::place::remember(&main, &ctx.catalog());
    main.window
        .global::<distillery::ui::LoupeAdapter>()
        .invoke_close_requested();
    ctx.db.flush_blocking().unwrap();
    let state = ctx.load_startup_view().unwrap().ui_state;
    assert!(!state.loupe_open);
}

#[test]
fn stored_sampling_defaults_and_engine_options_are_used() {
    use distillery::settings::{EngineOptions, GenerationDefaults};
    common::init_testing_backend();
    let app = demo(1);
    {
        let ctx = distillery::app::AppContext::open(&app.options()).unwrap();
        ctx.db
            .call_blocking(|c| {
                distillery::settings::set_generation_defaults(
                    c,
                    &GenerationDefaults {
                        steps: 8,
                        guidance: 2.5,
                        sampler: "heun".into(),
                    },
                )?;
                distillery::settings::set_engine_options(
                    c,
                    &EngineOptions {
                        offload_to_cpu: false,
                        flash_attn: false,
                        threads: 3,
                    },
                )
            })
            .unwrap();
        ctx.db.flush_blocking().unwrap();
    }
    let (ctx, main) = open(&app);
    let sent: std::rc::Rc<std::cell::RefCell<Vec<distillery::generation::GenerationRequest>>> = Default::default();
    let into = sent.clone();
    main.connect_generation(std::rc::Rc::new(move |r| into.borrow_mut().push(r)));
    main.window
        .global::<EngineAdapter>()
        .set_state(distillery::ui::EngineState::Ready);
    ElementHandle::find_by_accessible_label(&main.window, "Prompt")
        .next()
        .unwrap()
        .set_accessible_value("a quiet harbour");
    settle(&main);
    press(&main, "Generate", "the panel");
    let request = sent.borrow()[0].clone();
    assert_eq!(
        (request.steps, request.guidance, request.sampler.as_str()),
        (8, 2.5, "heun")
    );

    let plan = distillery::app::engine_plan(&ctx).unwrap();
    let load = plan.initial_load.unwrap();
    assert_eq!(
        (load.offload_to_cpu, load.flash_attn, load.n_threads),
        (Some(false), Some(false), Some(3))
    );

    // Out-of-range values fall back to the spec's defaults.
    ctx.db
        .call_blocking(|c| {
            distillery::db::app_settings::set(
                c,
                "generation.defaults",
                &serde_json::json!({"steps": 0, "guidance": 99.0, "sampler": "dpm"}),
            )
        })
        .unwrap();
    let defaults = ctx.db.call_blocking(distillery::settings::generation_defaults).unwrap();
    assert_eq!(defaults, GenerationDefaults::default());
}
