//! The filter bar's More filters, worked like a user: the filter button opens a popup whose
//! model box lists the models in use; a model and a range of days narrow the grid to what
//! `distillery list --model --from --to` lists; a day that is not one is said and left out;
//! Clear takes them away; a smart collection saved meanwhile keeps them.

use crate::common;

use common::TempApp;
use common::processes::distillery;
use common::ui::{click, demo, key, open, press, settle};
use distillery::ui::{LibraryAdapter, MainWindow};
use i_slint_backend_testing::ElementHandle;
use slint::platform::Key;
use slint::{ComponentHandle, Model};

fn listed(app: &TempApp, args: &[&str]) -> i32 {
    let mut all = vec!["list"];
    all.extend_from_slice(args);
    let output = distillery(app, &all, &[]).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout).lines().count() as i32
}

fn element(main: &MainWindow, label: &str) -> ElementHandle {
    ElementHandle::find_by_accessible_label(&main.window, label)
        .next()
        .unwrap_or_else(|| panic!("an element labelled {label:?}"))
}

fn type_into(main: &MainWindow, label: &str, text: &str) {
    click(main, &element(main, label), label);
    for c in text.chars() {
        key(main, c.to_string());
    }
    settle(main);
}

#[test]
fn a_model_and_days_narrow_the_grid_like_the_command_line() {
    common::init_testing_backend();
    let app = demo(40);
    // A day in the middle of the demo library's dates.
    let output = distillery(&app, &["list", "--json"], &[]).output().unwrap();
    let days: Vec<String> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| {
            let value: serde_json::Value = serde_json::from_str(line).unwrap();
            value["created_at"].as_str().unwrap()[..10].to_owned()
        })
        .collect();
    let (from, to) = (days[25].clone(), days[5].clone());
    let (ctx, main) = open(&app);
    let library = main.window.global::<LibraryAdapter>();

    press(&main, "More filters: model and dates", "the filter button");
    settle(&main);
    let choices: Vec<String> = library.get_model_choices().iter().map(|c| c.to_string()).collect();
    assert_eq!(choices[0], "Any model");
    assert!(choices.len() >= 2, "the demo model is listed: {choices:?}");
    let model = choices[1].clone();

    click(&main, &element(&main, "Model filter"), "the model box");
    settle(&main);
    key(&main, Key::DownArrow);
    key(&main, Key::Return);
    settle(&main);
    assert_eq!(library.get_model_index(), 1);
    assert_eq!(library.get_filtered_count(), listed(&app, &["--model", &model]));
    assert!(library.get_filtered_count() < 40, "imported images have no model");

    type_into(&main, "From day", &from);
    type_into(&main, "To day", &to);
    assert_eq!(library.get_days_problem(), "");
    let expected = listed(&app, &["--model", &model, "--from", &from, "--to", &to]);
    assert_eq!(library.get_filtered_count(), expected);
    assert!(expected > 0 && expected < library.get_total_count());

    // A day that is not one: said, and left out.
    library.set_to_day("2026-13-01".into());
    library.invoke_view_changed();
    settle(&main);
    assert!(
        library.get_days_problem().contains("is not a day"),
        "{}",
        library.get_days_problem()
    );
    assert_eq!(library.get_filtered_count(), listed(&app, &["--model", &model]));
    library.set_to_day(to.clone().into());
    library.invoke_view_changed();
    settle(&main);

    // A smart collection saved now keeps the model and the days. The first click outside
    // the popup closes it.
    press(&main, "Collections and keywords", "the rail's collections button");
    settle(&main);
    if !main
        .window
        .global::<distillery::ui::ShellAdapter>()
        .get_organise_panel_open()
    {
        press(&main, "Collections and keywords", "the rail's collections button");
        settle(&main);
    }
    press(
        &main,
        "Save the filters and search as a smart collection",
        "the smart button",
    );
    for c in "Dated".chars() {
        key(&main, c.to_string());
    }
    key(&main, Key::Return);
    settle(&main);
    ctx.db.flush_blocking().unwrap();
    assert_eq!(listed(&app, &["--collection", "Dated"]), expected);

    // Clear takes them away.
    press(&main, "More filters: model and dates", "the filter button");
    settle(&main);
    press(&main, "Clear the model and dates", "Clear");
    settle(&main);
    assert_eq!(library.get_filtered_count(), 40);
    drop(main);
    ctx.close();
}
