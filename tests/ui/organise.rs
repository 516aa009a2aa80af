//! The collections and keywords panel, worked like a user in the testing backend: opened
//! from the left rail; a collection, a keyword and two keywords (Ctrl+click) scope the grid
//! to what `distillery list` lists; a collection is named in the panel, filled with B and
//! by dragging a thumbnail onto it, emptied again with Ctrl+Z; a smart collection saves the
//! filter bar; deleting a collection asks first and keeps its images.

use crate::common;

use common::TempApp;
use common::processes::distillery;
use common::ui::{chord, click, demo, key, open, press, settle};
use distillery::ui::{LibraryAdapter, MainWindow, OrganiseAdapter, ShellAdapter};
use i_slint_backend_testing::ElementHandle;
use slint::platform::{Key, WindowEvent};
use slint::{ComponentHandle, LogicalPosition, Model};

/// What `distillery ARGS` prints on stdout, one line each.
fn lines(app: &TempApp, args: &[&str]) -> Vec<String> {
    let output = distillery(app, args, &[]).output().unwrap();
    assert!(
        output.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(str::to_owned)
        .collect()
}

fn listed(app: &TempApp, args: &[&str]) -> i32 {
    let mut all = vec!["list"];
    all.extend_from_slice(args);
    lines(app, &all).len() as i32
}

/// The element labelled `label` in the left panel (the info panel may show the same words).
fn in_panel(main: &MainWindow, label: &str) -> ElementHandle {
    ElementHandle::find_by_accessible_label(&main.window, label)
        .find(|e| e.absolute_position().x < 320.0 && e.size().width > 0.0)
        .unwrap_or_else(|| panic!("the panel shows {label:?}"))
}

fn centre(element: &ElementHandle) -> LogicalPosition {
    let (at, size) = (element.absolute_position(), element.size());
    LogicalPosition::new(at.x + size.width / 2.0, at.y + size.height / 2.0)
}

fn type_text(main: &MainWindow, text: &str) {
    for c in text.chars() {
        key(main, c.to_string());
    }
    settle(main);
}

fn count_text(main: &MainWindow) -> String {
    main.window.global::<LibraryAdapter>().get_count_text().to_string()
}

fn filtered(main: &MainWindow) -> i32 {
    main.window.global::<LibraryAdapter>().get_filtered_count()
}

/// The grid's cell labelled "Image N", clicked with `modifier` held.
fn click_cell(main: &MainWindow, n: usize, modifier: Option<Key>) {
    let window = main.window.window();
    if let Some(modifier) = modifier {
        window.dispatch_event(WindowEvent::KeyPressed { text: modifier.into() });
    }
    let cell = ElementHandle::find_by_accessible_label(&main.window, &format!("Image {n}"))
        .next()
        .unwrap();
    click(main, &cell, &format!("image {n}"));
    if let Some(modifier) = modifier {
        window.dispatch_event(WindowEvent::KeyReleased { text: modifier.into() });
    }
    settle(main);
}

#[test]
fn collections_and_keywords_scope_the_grid_and_gather_images() {
    common::init_testing_backend();
    let app = demo(30);
    let ids = lines(&app, &["list", "--sort", "newest"])
        .iter()
        .map(|line| line.split('\t').next().unwrap().to_owned())
        .collect::<Vec<_>>();
    let tag = |keyword: &str, range: std::ops::Range<usize>| {
        let mut args = vec!["keyword", "add", keyword];
        args.extend(ids[range].iter().map(String::as_str));
        lines(&app, &args);
    };
    tag("harbour", 0..12);
    tag("night", 8..20);
    let mut picks = vec!["collection", "add", "Picks"];
    lines(&app, &["collection", "create", "Picks"]);
    picks.extend(ids[20..25].iter().map(String::as_str));
    lines(&app, &picks);

    let (ctx, main) = open(&app);
    let shell = main.window.global::<ShellAdapter>();
    let organise = main.window.global::<OrganiseAdapter>();
    assert!(!shell.get_organise_panel_open());
    // A change while the panel is closed is counted when it opens, not before.
    lines(&app, &["keyword", "add", "sunset", &ids[0]]);
    main.library.refresh();
    settle(&main);
    assert!(
        organise.get_keywords().iter().all(|k| k.name != "sunset"),
        "not read while closed"
    );
    press(&main, "Collections and keywords", "the rail's collections button");
    settle(&main);
    assert!(
        shell.get_organise_panel_open() && !shell.get_generation_panel_open(),
        "it takes the left side"
    );
    assert_eq!(organise.get_collections().row_count(), 1);
    assert_eq!(
        organise
            .get_keywords()
            .iter()
            .map(|k| (k.name.to_string(), k.count.to_string()))
            .collect::<Vec<_>>(),
        [
            ("harbour".to_owned(), "12".to_owned()),
            ("night".to_owned(), "12".to_owned()),
            ("sunset".to_owned(), "1".to_owned())
        ]
    );

    // A collection, and the filter bar inside it.
    click(&main, &in_panel(&main, "Picks"), "the collection");
    settle(&main);
    assert_eq!(
        (filtered(&main), count_text(&main)),
        (5, "5 images in “Picks”".to_owned())
    );
    let library = main.window.global::<LibraryAdapter>();
    library.set_min_rating(2);
    library.invoke_view_changed();
    settle(&main);
    assert_eq!(
        filtered(&main),
        listed(&app, &["--collection", "Picks", "--min-rating", "2"])
    );
    library.set_min_rating(0);
    library.invoke_view_changed();
    settle(&main);
    // The count bar's × leads back to the whole library, and the panel follows.
    press(&main, "Show the whole library", "the count bar's ×");
    settle(&main);
    assert_eq!(filtered(&main), 30);
    assert!(organise.get_library_shown(), "the panel marks All images");
    assert!(
        ElementHandle::find_by_accessible_label(&main.window, "Show the whole library")
            .next()
            .is_none(),
        "no × without a scope"
    );

    // One keyword, then a second with Ctrl held: images carrying both.
    click(&main, &in_panel(&main, "harbour"), "a keyword");
    settle(&main);
    assert_eq!(filtered(&main), listed(&app, &["--keyword", "harbour"]));
    main.window.window().dispatch_event(WindowEvent::KeyPressed {
        text: Key::Control.into(),
    });
    click(&main, &in_panel(&main, "night"), "a second keyword");
    main.window.window().dispatch_event(WindowEvent::KeyReleased {
        text: Key::Control.into(),
    });
    settle(&main);
    assert_eq!(filtered(&main), 4);
    assert_eq!(
        filtered(&main),
        listed(&app, &["--keyword", "harbour", "--keyword", "night"])
    );
    assert_eq!(count_text(&main), "4 images in keywords harbour + night");

    // A new collection named in the panel becomes the target of B.
    press(&main, "New collection", "the new collection button");
    type_text(&main, "Night set");
    key(&main, Key::Return);
    settle(&main);
    assert_eq!(organise.get_naming(), 0, "the name was taken");
    let listed_collections = lines(&app, &["collection", "list"]);
    assert!(
        listed_collections.iter().any(|l| l.ends_with("\tmanual\tNight set")),
        "{listed_collections:?}"
    );
    click_cell(&main, 1, None);
    click_cell(&main, 3, Some(Key::Shift));
    key(&main, "b");
    settle(&main);
    ctx.db.flush_blocking().unwrap();
    assert_eq!(
        listed(&app, &["--collection", "Night set"]),
        3,
        "B put the selection in"
    );
    assert_eq!(library.get_notice().to_string(), "Added 3 images to “Night set”.");
    chord(&main, &[Key::Control], "z");
    ctx.db.flush_blocking().unwrap();
    assert_eq!(
        listed(&app, &["--collection", "Night set"]),
        0,
        "Ctrl+Z took them out again"
    );

    // A thumbnail dragged onto a collection joins it.
    let cell = centre(
        &ElementHandle::find_by_accessible_label(&main.window, "Image 2")
            .next()
            .unwrap(),
    );
    let target = centre(&in_panel(&main, "Picks"));
    common::ui::drag_thumbnail(&main, cell, target);
    ctx.db.flush_blocking().unwrap();
    assert_eq!(listed(&app, &["--collection", "Picks"]), 6, "the dragged image joined");
    let picks_row = organise.get_collections().iter().find(|c| c.name == "Picks").unwrap();
    assert_eq!(picks_row.count, "6", "the count follows");

    // A smart collection saves the filter bar within the keywords shown.
    click(&main, &in_panel(&main, "All images"), "the whole library");
    library.set_min_rating(3);
    library.invoke_view_changed();
    settle(&main);
    press(
        &main,
        "Save the filters and search as a smart collection",
        "the smart collection button",
    );
    type_text(&main, "Three stars");
    key(&main, Key::Return);
    settle(&main);
    ctx.db.flush_blocking().unwrap();
    assert_eq!(
        listed(&app, &["--collection", "Three stars"]),
        listed(&app, &["--min-rating", "3"])
    );
    // A taken name is refused in place.
    press(&main, "New collection", "the new collection button");
    type_text(&main, "picks");
    key(&main, Key::Return);
    settle(&main);
    assert_eq!(organise.get_naming(), 1, "the field stays");
    assert!(
        organise.get_naming_problem().contains("Picks"),
        "{}",
        organise.get_naming_problem()
    );
    key(&main, Key::Escape);
    settle(&main);
    assert_eq!(organise.get_naming(), 0);

    // Deleting asks, and keeps the images.
    let index = organise
        .get_collections()
        .iter()
        .position(|c| c.name == "Picks")
        .unwrap();
    click(&main, &in_panel(&main, "Picks"), "the collection");
    settle(&main);
    organise.invoke_delete_requested(index as i32);
    settle(&main);
    assert!(organise.get_delete_confirming());
    press(&main, "Delete Collection", "the question's button");
    settle(&main);
    ctx.db.flush_blocking().unwrap();
    let left = lines(&app, &["collection", "list"]);
    assert!(!left.iter().any(|l| l.ends_with("\tPicks")), "{left:?}");
    assert_eq!(listed(&app, &[]), 30, "no image went with it");
    assert_eq!(
        filtered(&main),
        listed(&app, &["--min-rating", "3"]),
        "the grid left the deleted collection"
    );
    drop(main);
    ctx.close();
}
