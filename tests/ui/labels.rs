//! Colour labels in the window: keys 6–9 and the info panel's swatches (clicked) label the
//! selection, the same key again takes the label away, Ctrl+Z brings it back; what the
//! window saved is what `distillery list --json` shows.

use crate::common;

use common::TempApp;
use common::processes::distillery;
use common::ui::{chord, click, demo, key, open, press, settle};
use distillery::ui::{InfoAdapter, MainWindow};
use i_slint_backend_testing::ElementHandle;
use slint::ComponentHandle;
use slint::platform::{Key, WindowEvent};
use std::collections::HashMap;

fn labels(app: &TempApp) -> HashMap<String, String> {
    let output = distillery(app, &["list", "--json"], &[]).output().unwrap();
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| {
            let row: serde_json::Value = serde_json::from_str(line).unwrap();
            let label = row["label"].as_str()?.to_owned();
            Some((row["id"].as_str().unwrap().to_owned(), label))
        })
        .collect()
}

fn cell(main: &MainWindow, n: usize) -> ElementHandle {
    ElementHandle::find_by_accessible_label(&main.window, &format!("Image {n}"))
        .next()
        .unwrap()
}

#[test]
fn keys_and_swatches_label_the_selection_and_undo_takes_it_back() {
    common::init_testing_backend();
    let app = demo(8);
    let (ctx, main) = open(&app);
    let info = main.window.global::<InfoAdapter>();
    click(&main, &cell(&main, 1), "the first image");
    settle(&main);
    let first = main.library.current_id().unwrap().to_string();
    assert_eq!(info.get_label(), "");

    key(&main, "6");
    settle(&main);
    ctx.db.flush_blocking().unwrap();
    assert_eq!(info.get_label(), "Red");
    assert_eq!(labels(&app).get(&first).map(String::as_str), Some("Red"));

    press(&main, "Label Green", "the green swatch");
    settle(&main);
    ctx.db.flush_blocking().unwrap();
    assert_eq!(info.get_label(), "Green");
    key(&main, "8");
    settle(&main);
    ctx.db.flush_blocking().unwrap();
    assert_eq!(info.get_label(), "", "the same key again takes the label away");
    assert!(!labels(&app).contains_key(&first));
    chord(&main, &[Key::Control], "z");
    ctx.db.flush_blocking().unwrap();
    assert_eq!(labels(&app).get(&first).map(String::as_str), Some("Green"), "Ctrl+Z");
    assert_eq!(info.get_label(), "Green");

    // Three images at once.
    let window = main.window.window();
    window.dispatch_event(WindowEvent::KeyPressed {
        text: Key::Shift.into(),
    });
    click(&main, &cell(&main, 3), "the third image");
    window.dispatch_event(WindowEvent::KeyReleased {
        text: Key::Shift.into(),
    });
    settle(&main);
    key(&main, "9");
    settle(&main);
    ctx.db.flush_blocking().unwrap();
    let now = labels(&app);
    assert_eq!(now.values().filter(|l| l.as_str() == "Blue").count(), 3, "{now:?}");
    drop(main);
    ctx.close();
}
