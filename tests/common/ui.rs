//! A main window over a demo library in the testing backend, loading on demand.
#![allow(dead_code)]

use super::{TempApp, distillery_bin};
use distillery::app::AppContext;
use distillery::ui::{LoadMode, MainWindow, build_main_window};
use slint::ComponentHandle;
use std::process::Command;

/// A library of `count` synthetic items made by `distillery demo-library`.
pub fn demo(count: u32) -> TempApp {
    let app = TempApp::new();
    let made = Command::new(distillery_bin())
        .args(app.args())
        .args(["demo-library", "--count", &count.to_string()])
        .output()
        .unwrap();
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    app
}

/// Opens the main window at 1280×800 over `app`, with everything visible loaded.
pub fn open(app: &TempApp) -> (AppContext, MainWindow) {
    let ctx = AppContext::open(&app.options()).unwrap();
    let view = ctx.load_startup_view().unwrap();
    let main = build_main_window(&ctx.catalog(), &view, LoadMode::OnDemand).unwrap();
    main.window.show().unwrap();
    main.window.window().set_size(slint::LogicalSize::new(1280.0, 800.0));
    settle(&main);
    (ctx, main)
}

/// Opens the main window at 1280×800 over a running pipeline: Generate submits to its
/// queue, and the returned channel carries the queue's updates for [`pump_until`].
pub fn open_over_queue(
    pipeline: &super::pipeline::Pipeline,
    runtime: &tokio::runtime::Runtime,
) -> (
    MainWindow,
    tokio::sync::mpsc::UnboundedReceiver<distillery::services::job_prompts::PromptedUpdate>,
) {
    let view = pipeline.ctx.load_startup_view().unwrap();
    let main = build_main_window(&pipeline.ctx.catalog(), &view, LoadMode::OnDemand).unwrap();
    main.window.show().unwrap();
    main.window.window().set_size(slint::LogicalSize::new(1280.0, 800.0));
    settle(&main);
    let (queue, handle) = (pipeline.queue.clone(), runtime.handle().clone());
    main.connect_generation(std::rc::Rc::new(move |request| {
        handle.block_on(queue.submit(request)).expect("the request is queued");
    }));
    let (sender, updates) = tokio::sync::mpsc::unbounded_channel();
    runtime.spawn(distillery::services::job_prompts::follow(
        pipeline.ctx.catalog(),
        pipeline.queue.subscribe(),
        sender,
    ));
    (main, updates)
}

/// Sets the window's size and runs the change handlers that follow it (the shell copies the
/// width to decide whether the panels fit beside the library), as a frame would.
pub fn resize(window: &slint::Window, width: f32, height: f32) {
    window.set_size(slint::LogicalSize::new(width, height));
    i_slint_core::properties::ChangeTracker::run_change_handlers();
}

/// Renders, loads what the frame asked for, and repeats until nothing is missing.
pub fn settle(main: &MainWindow) {
    for _ in 0..6 {
        main.window.window().take_snapshot().unwrap();
        if main.library.drain_blocking() + main.loupe.drain_blocking() == 0 {
            return;
        }
    }
}

/// Presses and releases a key (a character, or a `slint::platform::Key`).
pub fn key(main: &MainWindow, text: impl Into<slint::SharedString>) {
    use slint::platform::WindowEvent;
    let text = text.into();
    main.window
        .window()
        .dispatch_event(WindowEvent::KeyPressed { text: text.clone() });
    main.window.window().dispatch_event(WindowEvent::KeyReleased { text });
}

/// Holds `modifiers` down (in order), presses and releases `text`, lets the modifiers go
/// (in reverse order) and settles: Ctrl+Z is `chord(main, &[Key::Control], "z")`.
pub fn chord(main: &MainWindow, modifiers: &[slint::platform::Key], text: impl Into<slint::SharedString>) {
    use slint::platform::WindowEvent;
    let window = main.window.window();
    for modifier in modifiers {
        window.dispatch_event(WindowEvent::KeyPressed {
            text: (*modifier).into(),
        });
    }
    key(main, text);
    for modifier in modifiers.iter().rev() {
        window.dispatch_event(WindowEvent::KeyReleased {
            text: (*modifier).into(),
        });
    }
    settle(main);
}

/// Clicks the element labelled `label` as a user would: pointer down and up at its centre,
/// through the window's hit testing (so whatever covers it, or a press that only moves the
/// focus, makes the click miss). Fails with `what` if there is no such element on screen.
pub fn press(main: &MainWindow, label: &str, what: &str) {
    let element = i_slint_backend_testing::ElementHandle::find_by_accessible_label(&main.window, label)
        .next()
        .unwrap_or_else(|| panic!("{what}: nothing labelled {label:?}"));
    click(main, &element, &format!("{what} ({label})"));
}

/// Clicks `element` at its centre with the left button (mocked time between press and
/// release). The centre must be inside the window: a user cannot click what is off screen.
pub fn click(main: &MainWindow, element: &i_slint_backend_testing::ElementHandle, what: &str) {
    click_in(main.window.window(), element, what);
}

/// [`click`] in any window.
pub fn click_in(window: &slint::Window, element: &i_slint_backend_testing::ElementHandle, what: &str) {
    let (position, size) = (element.absolute_position(), element.size());
    let centre = (position.x + size.width / 2.0, position.y + size.height / 2.0);
    let window = window.size().to_logical(window.scale_factor());
    assert!(
        size.width > 0.0
            && size.height > 0.0
            && (0.0..window.width).contains(&centre.0)
            && (0.0..window.height).contains(&centre.1),
        "{what}: not on screen to click (at {centre:?}, {size:?}, window {window:?})"
    );
    element.mock_single_click(slint::platform::PointerEventButton::Left);
}

/// Presses the element labelled `label` through its accessibility action, as a screen reader
/// would (tests of that path; user clicks go through [`press`]).
pub fn press_by_action(main: &MainWindow, label: &str, what: &str) {
    i_slint_backend_testing::ElementHandle::find_by_accessible_label(&main.window, label)
        .next()
        .unwrap_or_else(|| panic!("{what}: nothing labelled {label:?}"))
        .invoke_accessible_default_action();
}

/// Moves the testing backend's mocked clock on by `ms`, running due timers (press delays,
/// double-tap intervals) as real time would.
pub fn mock_elapsed_time(ms: u64) {
    use i_slint_core::animations::CURRENT_ANIMATION_DRIVER;
    let tick = CURRENT_ANIMATION_DRIVER.with(|driver| {
        let tick = driver.current_tick() + std::time::Duration::from_millis(ms);
        driver.update_animations(tick);
        tick
    });
    i_slint_core::timers::TimerList::maybe_activate_timers(tick);
    i_slint_core::properties::ChangeTracker::run_change_handlers();
}

/// The generation panel's queue list as shown.
pub fn entries(main: &MainWindow) -> Vec<distillery::ui::QueueEntry> {
    use slint::Model;
    main.window
        .global::<distillery::ui::GenerationAdapter>()
        .get_queue()
        .iter()
        .collect()
}

/// Shows updates as they come until `done` holds (or fails after 20 s).
pub fn pump_until(
    main: &MainWindow,
    updates: &mut tokio::sync::mpsc::UnboundedReceiver<distillery::services::job_prompts::PromptedUpdate>,
    what: &str,
    done: impl Fn(&[distillery::ui::QueueEntry]) -> bool,
) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    if done(&entries(main)) {
        return;
    }
    loop {
        // Checked after every update, so a state that lasts one update is not missed on a
        // slow machine that delivers many at once.
        while let Ok((update, words)) = updates.try_recv() {
            main.queue.apply(&update, words.as_ref());
            if done(&entries(main)) {
                return;
            }
        }
        assert!(
            std::time::Instant::now() < deadline,
            "timed out waiting for {what}: {:?}",
            entries(main)
        );
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
}

/// One touch event of finger `finger` at (x, y).
pub fn touch(main: &MainWindow, finger: i32, (x, y): (f32, f32), phase: i_slint_core::input::TouchPhase) {
    use i_slint_core::platform::InternalEvent;
    main.window
        .window()
        .dispatch_event(slint::platform::WindowEvent::internal(InternalEvent::Touch {
            id: finger,
            position: i_slint_core::lengths::LogicalPoint::new(x, y),
            phase,
        }));
}

/// Scrolls whatever lies under the middle of a 1280×800 window to its end: the testing
/// backend finds only what is on screen, so a dialog's lower sections need this first.
pub fn scroll_to_end(main: &MainWindow) {
    wheel(main, -2000.0);
}

/// Turns the mouse wheel by `delta_y` (negative: down) over the middle of a 1280×800 window.
pub fn wheel(main: &MainWindow, delta_y: f32) {
    main.window
        .window()
        .dispatch_event(slint::platform::WindowEvent::PointerScrolled {
            position: slint::LogicalPosition::new(640.0, 400.0),
            delta_x: 0.0,
            delta_y,
        });
    settle(main);
}

/// Drags a thumbnail with the mouse from `from` to `to` as a user would: press, wait out the
/// grid's tap delay, move sideways first (a vertical drag scrolls the grid), then across,
/// and release.
pub fn drag_thumbnail(main: &MainWindow, from: slint::LogicalPosition, to: slint::LogicalPosition) {
    use slint::LogicalPosition;
    use slint::platform::{PointerEventButton, WindowEvent};
    let window = main.window.window();
    window.dispatch_event(WindowEvent::PointerPressed {
        position: from,
        button: PointerEventButton::Left,
    });
    mock_elapsed_time(150);
    for step in 1..=10 {
        window.dispatch_event(WindowEvent::PointerMoved {
            position: LogicalPosition::new(from.x - 4.0 * step as f32, from.y),
        });
    }
    let start = LogicalPosition::new(from.x - 40.0, from.y);
    for step in 1..=10 {
        let t = step as f32 / 10.0;
        window.dispatch_event(WindowEvent::PointerMoved {
            position: LogicalPosition::new(start.x + (to.x - start.x) * t, start.y + (to.y - start.y) * t),
        });
    }
    window.dispatch_event(WindowEvent::PointerReleased {
        position: to,
        button: PointerEventButton::Left,
    });
    settle(main);
}

/// Scrolls whatever lies under the middle of a 1280×800 window down, a wheel step at a time,
/// until the element labelled `label` is well on screen (the testing backend finds only what
/// is); fails if it never comes.
pub fn scroll_until_shown(main: &MainWindow, label: &str) -> i_slint_backend_testing::ElementHandle {
    for _ in 0..20 {
        let found = i_slint_backend_testing::ElementHandle::find_by_accessible_label(&main.window, label)
            .find(|e| e.absolute_position().y > 60.0 && e.absolute_position().y < 700.0);
        if let Some(found) = found {
            return found;
        }
        wheel(main, -120.0);
    }
    panic!("{label:?} never scrolled into view");
}
