//! The keyboard cheat sheet: Shift+? (or the title bar's help button) lists the shortcuts of
//! the current view from the table the key bindings use; the table and the bindings are
//! checked against each other, so neither can gain a key the other lacks.

use crate::common;

use common::ui::{demo, key, open, press, settle};
use distillery::ui::{LoupeAdapter, MainWindow, ShellAdapter};
use i_slint_backend_testing::ElementHandle;
use slint::ComponentHandle;
use slint::platform::Key;

fn shown(main: &MainWindow, label: &str) -> bool {
    ElementHandle::find_by_accessible_label(&main.window, label)
        .next()
        .is_some()
}

/// The visible rows of the sheet ("Ctrl+G: Show or hide …").
fn rows(main: &MainWindow) -> Vec<String> {
    use i_slint_backend_testing::ElementRoot;
    main.window
        .root_element()
        .query_descendants()
        .match_predicate(|e| e.accessible_label().is_some_and(|l| l.contains(": ")))
        .find_all()
        .into_iter()
        .filter_map(|e| e.accessible_label().map(|l| l.to_string()))
        .collect()
}

fn shift_question_mark(main: &MainWindow) {
    common::ui::chord(main, &[Key::Shift], "?");
}

#[test]
fn the_sheet_lists_the_shortcuts_of_the_current_view() {
    common::init_testing_backend();
    let app = demo(3);
    let (_ctx, main) = open(&app);
    let shell = main.window.global::<ShellAdapter>();

    shift_question_mark(&main);
    assert!(shell.get_shortcuts_open(), "Shift+? opens the sheet");
    assert!(shown(&main, "Keyboard shortcuts — grid"));
    assert!(shown(&main, "1 – 5: Rate the selected images"));
    let listed = rows(&main);
    assert!(
        listed.contains(&"↓: Down a row".to_owned()),
        "grid keys are listed: {listed:#?}"
    );
    assert!(listed.contains(&"P: Pick (selected)".to_owned()));
    assert!(
        !listed.iter().any(|r| r.ends_with("Back to the grid")),
        "loupe keys are not"
    );
    // The list scrolls to the rest (the testing backend sees only what is on screen).
    common::ui::scroll_to_end(&main);
    assert!(shown(&main, "Ctrl+G: Show or hide the generation panel"));
    assert!(shown(
        &main,
        "Ctrl+Backspace: Trash the view's rejected images (asks first)"
    ));
    assert!(!rows(&main).iter().any(|r| r.ends_with("Back to the grid")));
    // Keys do nothing else while it is open; Escape closes it.
    key(&main, "5");
    key(&main, Key::Escape);
    settle(&main);
    assert!(!shell.get_shortcuts_open());

    // In the loupe it lists the loupe's keys.
    main.window
        .global::<distillery::ui::LibraryAdapter>()
        .invoke_cell_pressed(0, false, false);
    main.window.global::<LoupeAdapter>().invoke_open_requested();
    settle(&main);
    press(&main, "Keyboard shortcuts (?)", "the title bar has a help button");
    settle(&main);
    assert!(shown(&main, "Keyboard shortcuts — loupe"));
    let listed = rows(&main);
    assert!(listed.contains(&"Esc: Back to the grid".to_owned()), "{listed:#?}");
    assert!(listed.contains(&"Ctrl+1: Back to the grid".to_owned()));
    assert!(
        !listed
            .iter()
            .any(|r| r.ends_with("Open the loupe") || r.ends_with("Down a row"))
    );
}

/// `name: keys` properties of the table, in order.
fn table_keys(source: &str) -> Vec<String> {
    source
        .lines()
        .filter_map(|line| line.trim().strip_prefix("out property <keys> "))
        .map(|rest| rest.split(':').next().unwrap().trim().to_owned())
        .collect()
}

#[test]
fn every_binding_comes_from_the_table_and_every_key_is_listed() {
    let ui = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("ui");
    let table = std::fs::read_to_string(ui.join("shortcuts.slint")).unwrap();
    let window = std::fs::read_to_string(ui.join("app-window.slint")).unwrap();
    assert!(
        !window.contains("@keys("),
        "app-window.slint binds keys only through the Shortcuts table"
    );
    let sheet = &table[table.find("sheet:").expect("the table has a sheet")..];
    for name in table_keys(&table) {
        assert!(
            window.contains(&format!("keys: Shortcuts.{name};")),
            "{name} has a key binding in app-window.slint"
        );
        // Ratings 2–5 share the "1 – 5" row of rate-1, labels 7–9 the "6 – 9" row of label-red.
        let in_row = sheet.contains(&format!("keys: Shortcuts.{name},"));
        let shared = [
            "rate-2",
            "rate-3",
            "rate-4",
            "rate-5",
            "label-yellow",
            "label-green",
            "label-blue",
        ];
        assert!(
            in_row || shared.contains(&name.as_str()),
            "{name} is listed in the cheat sheet"
        );
    }
    let bindings = window.matches("keys: Shortcuts.").count();
    assert_eq!(bindings, table_keys(&table).len(), "one binding per table key");
}
