//! Every control can be reached with the keyboard: Tab is pressed through each view (the
//! grid with its rails, panels and toolbars; the loupe; Settings; Export; the collections
//! panel) until the focus comes
//! round again, and every interactive element on screen must have been focused on the way
//! (text fields scrolled out of a dialog included) and must have a label a screen reader
//! can say. In a dialog the focus goes round its own controls only.

use crate::common;

use common::ui::{demo, open, settle};
use distillery::ui::MainWindow;
use i_slint_backend_testing::{AccessibleRole, ElementHandle, ElementQuery};
use slint::ComponentHandle;
use slint::platform::{Key, WindowEvent};

/// A rectangle in window coordinates: x, y, width, height.
type Rect = (f32, f32, f32, f32);

fn contains(outer: Rect, (x, y): (f32, f32)) -> bool {
    (outer.0..=outer.0 + outer.2).contains(&x) && (outer.1..=outer.1 + outer.3).contains(&y)
}

fn centre(rect: Rect) -> (f32, f32) {
    (rect.0 + rect.2 / 2.0, rect.1 + rect.3 / 2.0)
}

/// The roles of what a user operates (what a screen reader announces as a control).
fn is_control(role: AccessibleRole) -> bool {
    matches!(
        role,
        AccessibleRole::Button
            | AccessibleRole::Checkbox
            | AccessibleRole::Combobox
            | AccessibleRole::Slider
            | AccessibleRole::Spinbox
            | AccessibleRole::TextInput
            | AccessibleRole::Switch
            | AccessibleRole::RadioButton
            | AccessibleRole::Tab
    )
}

/// The control holding the keyboard focus (the focused item or its nearest ancestor that is
/// a control), by its label; `None` when the focus is on no control (the window itself).
fn focused_control(main: &MainWindow) -> Option<String> {
    use i_slint_core::accessibility::AccessibleStringProperty;
    use i_slint_core::item_tree::ParentItemTraversalMode;
    let inner = i_slint_core::window::WindowInner::from_pub(main.window.window());
    let mut item = inner.focus_item.borrow().upgrade();
    while let Some(current) = item {
        if is_control(current.accessible_role()) {
            let label = current.accessible_string_property(AccessibleStringProperty::Label);
            return Some(label.unwrap_or_default().to_string());
        }
        item = current.parent_item(ParentItemTraversalMode::StopAtPopups);
    }
    None
}

/// Where the keyboard focus is, as the focused item's place and size (to tell when Tab has
/// come round).
fn focused(main: &MainWindow) -> Option<Rect> {
    let inner = i_slint_core::window::WindowInner::from_pub(main.window.window());
    let item = inner.focus_item.borrow().upgrade()?;
    let geometry = item.geometry();
    let origin = item.map_to_window(geometry.origin);
    Some((origin.x, origin.y, geometry.size.width, geometry.size.height))
}

fn tab(main: &MainWindow) {
    let text: slint::SharedString = Key::Tab.into();
    main.window
        .window()
        .dispatch_event(WindowEvent::KeyPressed { text: text.clone() });
    main.window.window().dispatch_event(WindowEvent::KeyReleased { text });
    settle(main);
}

/// The interactive elements on screen inside `area` (of `within`, else the whole window),
/// with their labels.
fn interactive(
    main: &MainWindow,
    within: Option<&ElementHandle>,
    area: Rect,
) -> Vec<(Rect, String, Option<AccessibleRole>)> {
    let window = main
        .window
        .window()
        .size()
        .to_logical(main.window.window().scale_factor());
    within
        .map(|element| element.query_descendants())
        .unwrap_or_else(|| ElementQuery::from_root(&main.window).match_descendants())
        .match_predicate(|element| {
            element.accessible_role().is_some_and(is_control) && element.accessible_enabled() != Some(false)
        })
        .find_all()
        .into_iter()
        .filter_map(|element: ElementHandle| {
            let (position, size) = (element.absolute_position(), element.size());
            let rect = (position.x, position.y, size.width, size.height);
            let on_screen = size.width > 0.0
                && size.height > 0.0
                && contains((0.0, 0.0, window.width, window.height), centre(rect))
                && contains(area, centre(rect));
            on_screen.then(|| {
                let label = element.accessible_label().unwrap_or_default().to_string();
                (rect, label, element.accessible_role())
            })
        })
        .collect()
}

/// Presses Tab until the focus comes back to where it first landed (at most 400 times),
/// noting at every stop which control holds the focus; every interactive element on screen
/// inside `area` (of `within`) at any stop (a stop may scroll its panel) must have been one
/// of them, and must have a label.
fn assert_all_reached(main: &MainWindow, view: &str, within: Option<&ElementHandle>, area: Rect) {
    let mut stops: Vec<Rect> = Vec::new();
    let mut reached = std::collections::BTreeSet::new();
    let mut seen = std::collections::BTreeMap::new();
    for _ in 0..400 {
        tab(main);
        let Some(now) = focused(main) else { continue };
        if stops.first() == Some(&now) {
            break;
        }
        stops.push(now);
        match focused_control(main) {
            Some(label) => {
                reached.insert(label);
            }
            // A dialog is modal: the focus never leaves its controls.
            None => assert!(within.is_none(), "{view}: Tab left the dialog for {now:?}"),
        }
        for (rect, label, role) in interactive(main, within, area) {
            assert!(!label.trim().is_empty(), "{view}: a {role:?} at {rect:?} has no label");
            seen.insert(label, role);
        }
    }
    assert!(stops.len() < 400, "{view}: Tab did not come round");
    assert!(seen.len() >= 3, "{view}: found {} controls", seen.len());
    let missed: Vec<String> = seen
        .iter()
        .filter(|(label, _)| !reached.contains(*label))
        .map(|(label, role)| format!("{label:?} ({role:?})"))
        .collect();
    if within.is_some() {
        let strays: Vec<&String> = reached.iter().filter(|label| !seen.contains_key(*label)).collect();
        assert!(strays.is_empty(), "{view}: Tab left the dialog for {strays:?}");
    }
    assert!(
        missed.is_empty(),
        "{view}: Tab never reaches {} of {} controls: {}",
        missed.len(),
        seen.len(),
        missed.join(", ")
    );
}

#[test]
fn tab_reaches_every_control_of_the_grid_the_loupe_settings_export_and_collections() {
    common::init_testing_backend();
    let app = demo(6);
    let (_ctx, main) = open(&app);
    let whole = (0.0, 0.0, 1280.0, 800.0);
    assert_all_reached(&main, "the grid", None, whole);

    main.library.go_to(main.library.item_at(0).unwrap().id);
    main.loupe.open();
    settle(&main);
    assert!(main.window.global::<distillery::ui::LoupeAdapter>().get_open());
    assert_all_reached(&main, "the loupe", None, whole);
    common::ui::key(&main, Key::Escape);

    common::ui::press(&main, "Settings (Ctrl+,)", "the title bar opens the settings");
    settle(&main);
    assert_dialog_reached(&main, "Settings");
    common::ui::key(&main, Key::Escape);

    common::ui::chord(&main, &[Key::Control, Key::Shift], "E");
    assert_dialog_reached(&main, "Export");
    common::ui::key(&main, Key::Escape);

    common::ui::press(&main, "Collections and keywords", "the rail's collections button");
    settle(&main);
    assert_all_reached(&main, "the collections panel", None, whole);
}

/// [`assert_all_reached`] inside the dialog labelled `label`.
fn assert_dialog_reached(main: &MainWindow, label: &str) {
    let dialog = ElementHandle::find_by_accessible_label(&main.window, label)
        .find(|element| element.accessible_role() == Some(AccessibleRole::Groupbox))
        .unwrap_or_else(|| panic!("the {label} dialog"));
    let (position, size) = (dialog.absolute_position(), dialog.size());
    assert_all_reached(
        main,
        label,
        Some(&dialog),
        (position.x, position.y, size.width, size.height),
    );
}
