//! The generation panel's form in Slint's testing backend: the prompt, resolution and aspect
//! make the request Generate submits (the dimension label from the pipeline's own function),
//! Generate is disabled with a reason while the prompt is blank or the engine is not ready,
//! Ctrl+K focuses the prompt and Ctrl+Enter generates from it, and the form stays filled.

use crate::common;

use common::ui::{demo, open, settle};
use distillery::generation::{Aspect, GenerationRequest, Resolution};
use distillery::ui::{EngineAdapter, EngineState, GenerationAdapter, MainWindow};
use i_slint_backend_testing::ElementHandle;
use slint::ComponentHandle;
use slint::platform::{Key, WindowEvent};
use std::cell::RefCell;
use std::rc::Rc;

fn element(main: &MainWindow, label: &str) -> ElementHandle {
    ElementHandle::find_by_accessible_label(&main.window, label)
        .next()
        .unwrap_or_else(|| panic!("an element labelled {label:?}"))
}

fn recorded(main: &MainWindow) -> Rc<RefCell<Vec<GenerationRequest>>> {
    let sent = Rc::new(RefCell::new(Vec::new()));
    let into = sent.clone();
    main.connect_generation(Rc::new(move |request| into.borrow_mut().push(request)));
    sent
}

fn with_control(main: &MainWindow, key: impl Into<slint::SharedString>) {
    let window = main.window.window();
    window.dispatch_event(WindowEvent::KeyPressed {
        text: Key::Control.into(),
    });
    common::ui::key(main, key);
    window.dispatch_event(WindowEvent::KeyReleased {
        text: Key::Control.into(),
    });
}

#[test]
fn the_form_makes_the_request_and_generate_says_why_it_is_disabled() {
    common::init_testing_backend();
    let app = demo(3);
    let (_ctx, main) = open(&app);
    let sent = recorded(&main);
    let form = main.window.global::<GenerationAdapter>();
    let engine = main.window.global::<EngineAdapter>();
    engine.set_state(EngineState::Ready);
    settle(&main);

    let generate = element(&main, "Generate");
    let demo_label = |main: &MainWindow| {
        ElementHandle::find_by_accessible_label(&main.window, "Demo engine: images are simulated").count()
    };
    assert_eq!(demo_label(&main), 0, "a real engine has no demo label");
    engine.set_demo(true);
    settle(&main);
    assert_eq!(demo_label(&main), 1, "the simulated engine is labelled as such");
    assert_eq!(form.get_dimensions(), "1024 × 1024");
    assert!(!form.get_can_generate());
    assert_eq!(generate.accessible_description().unwrap(), "Write a prompt first");
    generate.invoke_accessible_default_action();
    assert!(sent.borrow().is_empty(), "nothing is sent without a prompt");

    // Only spaces is still no prompt.
    element(&main, "Prompt").set_accessible_value("   ");
    settle(&main);
    assert!(!form.get_can_generate());

    element(&main, "Prompt").set_accessible_value("a red fox in fresh snow");
    element(&main, "Aspect 3:2").invoke_accessible_default_action();
    settle(&main);
    assert_eq!(form.get_dimensions(), "1024 × 688");
    assert!(form.get_can_generate());
    assert_eq!(generate.accessible_description().unwrap(), "");

    // While the engine loads its model, Generate waits and says so.
    engine.set_state(EngineState::Loading);
    settle(&main);
    assert!(!form.get_can_generate());
    assert_eq!(
        generate.accessible_description().unwrap(),
        "The engine is loading the model…"
    );
    generate.invoke_accessible_default_action();
    assert!(sent.borrow().is_empty());
    engine.set_state(EngineState::Ready);

    form.set_resolution(0);
    form.invoke_choices_changed();
    settle(&main);
    assert_eq!(form.get_dimensions(), "512 × 336");
    generate.invoke_accessible_default_action();
    {
        let sent = sent.borrow();
        assert_eq!(sent.len(), 1);
        assert_eq!(sent[0].prompt, "a red fox in fresh snow");
        assert_eq!(sent[0].resolution, Resolution::R512);
        assert_eq!(sent[0].aspect, Aspect::Landscape3x2);
        assert_eq!(sent[0].count, 1);
    }
    assert_eq!(
        form.get_prompt(),
        "a red fox in fresh snow",
        "the form stays filled to generate again"
    );
}

#[test]
fn ctrl_k_focuses_the_prompt_and_ctrl_enter_generates_from_it() {
    common::init_testing_backend();
    let app = demo(3);
    let (_ctx, main) = open(&app);
    let sent = recorded(&main);
    let form = main.window.global::<GenerationAdapter>();
    main.window.global::<EngineAdapter>().set_state(EngineState::Ready);
    main.window
        .global::<distillery::ui::ShellAdapter>()
        .invoke_toggle_generation_panel();
    settle(&main);
    assert!(
        !main
            .window
            .global::<distillery::ui::ShellAdapter>()
            .get_generation_panel_open()
    );

    // Ctrl+K opens the panel and puts the cursor in the prompt: typed keys go there, not
    // to culling (a "3" would rate the selected image).
    with_control(&main, "k");
    settle(&main);
    assert!(
        main.window
            .global::<distillery::ui::ShellAdapter>()
            .get_generation_panel_open()
    );
    for key in "misty harbour 3".chars() {
        common::ui::key(&main, key.to_string());
    }
    settle(&main);
    assert_eq!(form.get_prompt(), "misty harbour 3");
    assert!(form.get_can_generate());

    with_control(&main, Key::Return);
    settle(&main);
    let sent = sent.borrow();
    assert_eq!(sent.len(), 1, "Ctrl+Enter generated");
    assert_eq!(sent[0].prompt, "misty harbour 3");
    assert_eq!(form.get_prompt(), "misty harbour 3", "no newline was typed");
}

#[test]
fn the_prompt_box_resizes_by_its_grip() {
    common::init_testing_backend();
    let app = demo(1);
    let (_ctx, main) = open(&app);
    let prompt = element(&main, "Prompt");
    let before = prompt.size().height;
    let grip = element(&main, "Prompt height");
    let (at, size) = (grip.absolute_position(), grip.size());
    let start = slint::LogicalPosition::new(at.x + size.width / 2.0, at.y + size.height / 2.0);
    let window = main.window.window();
    window.dispatch_event(WindowEvent::PointerPressed {
        position: start,
        button: slint::platform::PointerEventButton::Left,
    });
    for step in 1..=6 {
        window.dispatch_event(WindowEvent::PointerMoved {
            position: slint::LogicalPosition::new(start.x, start.y + 10.0 * step as f32),
        });
    }
    window.dispatch_event(WindowEvent::PointerReleased {
        position: slint::LogicalPosition::new(start.x, start.y + 60.0),
        button: slint::platform::PointerEventButton::Left,
    });
    settle(&main);
    assert_eq!(
        element(&main, "Prompt").size().height,
        before + 60.0,
        "dragged 60 px down"
    );

    // Never smaller than a few lines, also from the keyboard's decrement.
    for _ in 0..20 {
        element(&main, "Prompt height").invoke_accessible_decrement_action();
    }
    settle(&main);
    assert_eq!(element(&main, "Prompt").size().height, 72.0);
    drop(app);
}

#[test]
fn after_typing_a_prompt_one_click_or_one_tap_on_generate_queues_it() {
    common::init_testing_backend();
    let app = demo(3);
    let (_ctx, main) = open(&app);
    let sent = recorded(&main);
    main.window.global::<EngineAdapter>().set_state(EngineState::Ready);
    settle(&main);

    // Click into the prompt and type, as a user does: the prompt has the keyboard focus.
    common::ui::click(&main, &element(&main, "Prompt"), "the prompt");
    for character in "a heron at dawn".chars() {
        common::ui::key(&main, character.to_string());
    }
    settle(&main);
    assert_eq!(
        main.window.global::<GenerationAdapter>().get_prompt(),
        "a heron at dawn"
    );

    // One click: the press must not be spent on moving the focus to the button.
    common::ui::click(&main, &element(&main, "Generate"), "Generate");
    assert_eq!(sent.borrow().len(), 1, "the first click generates");

    // One tap of a finger, with the focus back in the prompt.
    common::ui::click(&main, &element(&main, "Prompt"), "the prompt");
    let generate = element(&main, "Generate");
    let (position, size) = (generate.absolute_position(), generate.size());
    let centre = (position.x + size.width / 2.0, position.y + size.height / 2.0);
    common::ui::touch(&main, 0, centre, i_slint_core::input::TouchPhase::Started);
    common::ui::mock_elapsed_time(60);
    common::ui::touch(&main, 0, centre, i_slint_core::input::TouchPhase::Ended);
    assert_eq!(sent.borrow().len(), 2, "the first tap generates");
}
