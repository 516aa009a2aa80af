//! The app shell in Slint's testing backend: panels toggle by shortcut and by their rail
//! buttons, and their state survives a restart.

use crate::common;

use common::TempApp;
use distillery::app::AppContext;
use distillery::ui::{AppWindow, ShellAdapter, build_main_window};
use i_slint_backend_testing::ElementHandle;
use slint::platform::{Key, WindowEvent};
use slint::{ComponentHandle, SharedString};

fn open_window(app: &TempApp) -> (AppContext, AppWindow) {
    let ctx = AppContext::open(&app.options()).expect("the app opens");
    let view = ctx.load_startup_view().unwrap();
    let main = build_main_window(&ctx.catalog(), &view, distillery::ui::LoadMode::OnDemand).unwrap();
    main.window.show().unwrap();
    // The preferred size: both panels fit beside the library.
    common::ui::resize(main.window.window(), 1280.0, 800.0);
    (ctx, main.window)
}

fn press_ctrl(window: &AppWindow, letter: char) {
    let control: SharedString = Key::Control.into();
    let letter: SharedString = letter.to_string().into();
    let w = window.window();
    w.dispatch_event(WindowEvent::KeyPressed { text: control.clone() });
    w.dispatch_event(WindowEvent::KeyPressed { text: letter.clone() });
    w.dispatch_event(WindowEvent::KeyReleased { text: letter });
    w.dispatch_event(WindowEvent::KeyReleased { text: control });
}

fn panel_visible(window: &AppWindow, label: &str) -> bool {
    ElementHandle::find_by_accessible_label(window, label).next().is_some()
}

#[test]
fn shortcuts_toggle_the_panels_and_the_state_survives_a_restart() {
    common::init_testing_backend();
    let app = TempApp::new();

    let (ctx, window) = open_window(&app);
    assert!(
        panel_visible(&window, "Generation"),
        "generation panel open on first start"
    );
    assert!(panel_visible(&window, "Media info"), "info panel open on first start");

    press_ctrl(&window, 'g');
    assert!(!window.global::<ShellAdapter>().get_generation_panel_open());
    assert!(
        !panel_visible(&window, "Generation"),
        "Ctrl+G hides the generation panel"
    );
    assert!(
        panel_visible(&window, "Media info"),
        "Ctrl+G leaves the info panel alone"
    );

    press_ctrl(&window, 'i');
    assert!(!panel_visible(&window, "Media info"), "Ctrl+I hides the info panel");
    press_ctrl(&window, 'i');
    assert!(panel_visible(&window, "Media info"), "Ctrl+I shows it again");

    window.hide().unwrap();
    ctx.db.flush_blocking().unwrap();
    drop(window);
    drop(ctx);

    let (_ctx, window) = open_window(&app);
    assert!(
        !panel_visible(&window, "Generation"),
        "the closed generation panel stays closed after a restart"
    );
    assert!(
        panel_visible(&window, "Media info"),
        "the reopened info panel stays open after a restart"
    );
}

#[test]
fn rail_buttons_toggle_panels_and_report_their_state() {
    common::init_testing_backend();
    let app = TempApp::new();
    let (_ctx, window) = open_window(&app);

    let button = ElementHandle::find_by_accessible_label(&window, "Info panel")
        .next()
        .expect("the info rail button");
    assert_eq!(button.accessible_checked(), Some(true));
    button.invoke_accessible_default_action();
    assert!(
        !panel_visible(&window, "Media info"),
        "the rail button closes the info panel"
    );
    assert_eq!(button.accessible_checked(), Some(false));

    let button = ElementHandle::find_by_accessible_label(&window, "Generation panel")
        .next()
        .expect("the generation rail button");
    // Clicked as a user does; the info panel's button above goes through its accessibility
    // action, as a screen reader would.
    common::ui::click_in(window.window(), &button, "Generation panel");
    assert!(!panel_visible(&window, "Generation"));
    common::ui::click_in(window.window(), &button, "Generation panel");
    assert!(panel_visible(&window, "Generation"));
}

#[test]
fn the_empty_library_says_so_and_shows_its_count_and_folder() {
    common::init_testing_backend();
    let app = TempApp::new();
    let (_ctx, window) = open_window(&app);

    assert!(
        ElementHandle::find_by_accessible_label(&window, "Your library is empty")
            .next()
            .is_some()
    );
    assert!(
        ElementHandle::find_by_accessible_label(&window, "0 images")
            .next()
            .is_some()
    );
    let folder = format!("Library folder: {}", app.library_dir().display());
    assert!(
        ElementHandle::find_by_accessible_label(&window, &folder)
            .next()
            .is_some(),
        "the status bar names the library folder ({folder})"
    );
    assert!(
        ElementHandle::find_by_accessible_label(&window, "Engine status: Engine not started")
            .next()
            .is_some()
    );

    // It shows how to start: write a prompt (opening the panel) or import.
    let shell = window.global::<distillery::ui::ShellAdapter>();
    shell.invoke_toggle_generation_panel();
    assert!(!shell.get_generation_panel_open());
    let write = ElementHandle::find_by_accessible_label(&window, "Write a Prompt")
        .next()
        .expect("the empty library offers to write a prompt");
    common::ui::click_in(window.window(), &write, "Write a Prompt");
    assert!(shell.get_generation_panel_open(), "the panel opens for the prompt");
    assert!(
        ElementHandle::find_by_accessible_label(&window, "Import Images…")
            .next()
            .is_some(),
        "and to import"
    );
}

#[test]
fn the_window_renders_at_its_minimum_size() {
    common::init_testing_backend();
    let app = TempApp::new();
    let (_ctx, window) = open_window(&app);
    window.window().set_size(slint::LogicalSize::new(960.0, 600.0));
    let frame = window.window().take_snapshot().unwrap();
    assert_eq!((frame.width(), frame.height()), (960, 600));
    // The title bar is painted in the surface colour, not left blank.
    let pixel = frame.as_slice()[(10 * 960 + 400) as usize];
    assert_eq!((pixel.r, pixel.g, pixel.b), (0x17, 0x17, 0x17));
}

/// Where an element labelled `label` is drawn: (x, y, width, height) in the window.
fn bounds(window: &AppWindow, label: &str) -> (f32, f32, f32, f32) {
    let element = ElementHandle::find_by_accessible_label(window, label)
        .next()
        .unwrap_or_else(|| panic!("no element labelled {label:?}"));
    let (at, size) = (element.absolute_position(), element.size());
    (at.x, at.y, size.width, size.height)
}

/// With both panels open: at the smallest window they collapse to their rails (the library
/// would get 252 px beside them), at 1280 px the filter and count bars take a second line,
/// and from a 732 px library up everything sits on one line each. No control leaves the
/// library, covers another or shrinks to an ellipsis, the media type stays, and the search
/// field always has room for a few words.
#[test]
fn every_control_fits_at_960_by_600_with_both_panels_open() {
    common::init_testing_backend();
    let app = common::ui::demo(12);
    let (_ctx, main) = common::ui::open(&app);
    let window = &main.window;
    let count_text = window.global::<distillery::ui::LibraryAdapter>().get_count_text();
    assert_eq!(count_text, "12 images");
    let controls = [
        "Generation panel",
        "Rating filter",
        "Status filter",
        "Origin filter",
        "Search prompts and file names",
        "Compare the selected images",
        "Import images",
        count_text.as_str(),
        "Sort order",
        "Thumbnail size",
        "Info panel",
    ];
    // 1439 and 1440 px are either side of the line switch (a 732 px library); under 1108 px
    // the panels float.
    let sizes = [
        (960.0, 600.0, false, true),
        (1107.0, 700.0, false, true),
        (1108.0, 700.0, true, false),
        (1280.0, 800.0, true, false),
        (1439.0, 800.0, true, false),
        (1440.0, 800.0, false, false),
        (1440.0, 900.0, false, false),
    ];
    for (width, height, narrow, float) in sizes {
        window.window().set_size(slint::LogicalSize::new(width, height));
        common::ui::settle(&main);
        let shell = window.global::<ShellAdapter>();
        assert!(shell.get_generation_panel_open() && shell.get_info_panel_open());
        assert_eq!(shell.get_panels_float(), float, "{width}×{height}: panels float");
        assert_eq!(
            ElementHandle::find_by_accessible_label(window, "Generation")
                .next()
                .is_some(),
            !float,
            "{width}×{height}: the generation panel beside the library"
        );
        assert_eq!(shell.get_library_narrow(), narrow, "{width}×{height}");

        let placed: Vec<_> = controls.iter().map(|label| (*label, bounds(window, label))).collect();
        for (label, (x, y, w, h)) in &placed {
            assert!(
                *x >= 0.0 && *y >= 0.0 && x + w <= width && y + h <= height,
                "{width}×{height}: {label} at {x},{y} {w}×{h} leaves the window"
            );
        }
        // The bars' controls stay inside the library, not under a panel.
        let (lx, ly, lw, lh) = bounds(window, "Library");
        for (label, (x, y, w, h)) in placed.iter().filter(|(label, _)| !label.ends_with(" panel")) {
            assert!(
                *x >= lx && *y >= ly && x + w <= lx + lw + 0.5 && y + h <= ly + lh + 0.5,
                "{width}×{height}: {label} at {x},{y} {w}×{h} leaves the library ({lx},{ly} {lw}×{lh})"
            );
        }
        for (i, (a, (ax, ay, aw, ah))) in placed.iter().enumerate() {
            for (b, (bx, by, bw, bh)) in &placed[i + 1..] {
                let apart = ax + aw <= *bx || bx + bw <= *ax || ay + ah <= *by || by + bh <= *ay;
                assert!(apart, "{width}×{height}: {a} and {b} overlap");
            }
        }
        // Wide enough for their longest labels ("All statuses", "Date (newest)", the count),
        // and a search field that shows a few words of a prompt.
        for (label, least) in [
            ("Rating filter", 100.0),
            ("Status filter", 100.0),
            ("Origin filter", 112.0),
            ("Search prompts and file names", 200.0),
            ("Sort order", 140.0),
            (count_text.as_str(), 100.0),
        ] {
            let (_, _, w, _) = bounds(window, label);
            assert!(w >= least, "{width}×{height}: {label} is {w} px wide");
        }
        // The search sits on the filters' line only when there is room for it.
        let (_, rating_y, _, _) = bounds(window, "Rating filter");
        let (_, search_y, _, _) = bounds(window, "Search prompts and file names");
        assert_eq!(search_y > rating_y, narrow, "{width}×{height}: search line");
    }

    // Collapsed, a panel opens from its rail over the library, and closes again there.
    window.window().set_size(slint::LogicalSize::new(960.0, 600.0));
    common::ui::settle(&main);
    common::ui::press(&main, "Generation panel", "the generation rail");
    common::ui::settle(&main);
    let (_, _, panel_width, _) = bounds(window, "Generation");
    assert_eq!(panel_width, 320.0, "the panel floats at its own width");
    common::ui::press(&main, "Generate", "Generate is on screen in the floating panel");
    common::ui::press(&main, "Generation panel", "the generation rail again");
    common::ui::settle(&main);
    assert!(
        ElementHandle::find_by_accessible_label(window, "Generation")
            .next()
            .is_none()
    );
    let shell = window.global::<ShellAdapter>();
    assert!(shell.get_generation_panel_open(), "the saved state is untouched");
}

/// The search field moves to the filter bar's second line when the library narrows; it is
/// the same field, so what is being typed keeps going into it.
#[test]
fn typing_in_the_search_survives_the_filter_bar_breaking_its_line() {
    common::init_testing_backend();
    let app = common::ui::demo(3);
    let (_ctx, main) = common::ui::open(&app);
    let window = &main.window;
    let library = window.global::<distillery::ui::LibraryAdapter>();
    window.window().set_size(slint::LogicalSize::new(1440.0, 900.0));
    common::ui::settle(&main);
    assert!(!window.global::<ShellAdapter>().get_library_narrow());
    press_ctrl(window, 'f');
    common::ui::key(&main, "m");
    assert_eq!(library.get_search_text(), "m");
    window.window().set_size(slint::LogicalSize::new(1280.0, 800.0));
    common::ui::settle(&main);
    assert!(window.global::<ShellAdapter>().get_library_narrow());
    common::ui::key(&main, "o");
    assert_eq!(library.get_search_text(), "mo", "the field kept the keyboard");
    window.window().set_size(slint::LogicalSize::new(1440.0, 900.0));
    common::ui::settle(&main);
    common::ui::key(&main, "u");
    assert_eq!(library.get_search_text(), "mou");
}
