//! The info panel's keyword field as a user works it: a click into the field, typed letters
//! and Return add a keyword to the whole selection; the library's keywords are offered while
//! typing and a click on one adds it; a chip's × takes a keyword off; Ctrl+Z puts it back;
//! a keyword that cannot be one is explained and changes nothing.

use crate::common;

use common::ui::{click, demo, key, open, press, settle};
use distillery::db::keywords;
use distillery::db::media_query::{MediaFilter, MediaSort};
use distillery::db::types::MediaId;
use distillery::ui::{InfoAdapter, LibraryAdapter, MainWindow};
use i_slint_backend_testing::ElementHandle;
use slint::platform::Key;
use slint::{ComponentHandle, Model};

fn labelled(main: &MainWindow, label: &str) -> Option<ElementHandle> {
    ElementHandle::find_by_accessible_label(&main.window, label).next()
}

/// Clicks into the keyword field and types `text` letter by letter.
fn type_keyword(main: &MainWindow, text: &str) {
    let field = labelled(main, "Keyword").expect("the info panel has a keyword field");
    click(main, &field, "the keyword field");
    for letter in text.chars() {
        key(main, letter.to_string());
    }
    settle(main);
}

fn keywords_of(db: &distillery::db::Database, ids: &[MediaId]) -> Vec<Vec<String>> {
    let ids = ids.to_vec();
    db.call_blocking(move |c| keywords::of_items(c, &ids))
        .unwrap()
        .into_iter()
        .map(|(_, names)| names)
        .collect()
}

/// Ctrl+Z after a click on image `image` (1-based), which takes the focus from the keyword
/// field (whose own Ctrl+Z undoes typing) back to the grid.
fn undo_after_clicking(main: &MainWindow, image: usize) {
    press(main, &format!("Image {image}"), "the grid shows the image");
    common::ui::chord(main, &[Key::Control], "z");
}

#[test]
fn keywords_are_added_offered_removed_and_undone_from_the_info_panel() {
    common::init_testing_backend();
    let app = demo(8);
    let (ctx, main) = open(&app);
    let grid = main.window.global::<LibraryAdapter>();
    let info = main.window.global::<InfoAdapter>();
    let items: Vec<MediaId> = common::rows_in_view(&ctx.db, MediaFilter::default(), MediaSort::NewestFirst)
        .into_iter()
        .map(|m| m.id)
        .collect();

    // Two images selected: the keyword goes to both.
    grid.invoke_cell_pressed(0, false, false);
    grid.invoke_cell_pressed(1, true, false);
    settle(&main);
    assert_eq!(info.get_selected_count(), 2);
    type_keyword(&main, "Sea  gull");
    key(&main, "\n");
    settle(&main);
    ctx.db.flush_blocking().unwrap();
    assert_eq!(
        keywords_of(&ctx.db, &items[..3]),
        [vec!["Sea gull".to_owned()], vec!["Sea gull".to_owned()], vec![]]
    );
    assert!(
        labelled(&main, "Sea gull").is_some(),
        "the current image shows its keyword as a chip"
    );
    assert_eq!(info.get_keywords().row_count(), 1);

    // One image: typing offers the library's keywords; a click on one adds it.
    grid.invoke_cell_pressed(2, false, false);
    settle(&main);
    assert_eq!(info.get_keywords().row_count(), 0, "this image has none");
    type_keyword(&main, "se");
    press(&main, "Add keyword Sea gull", "the keyword is offered");
    settle(&main);
    ctx.db.flush_blocking().unwrap();
    assert_eq!(keywords_of(&ctx.db, &items[2..3]), [vec!["Sea gull".to_owned()]]);

    // The chip's × takes it off; Ctrl+Z puts it back.
    press(&main, "Remove keyword Sea gull", "the chip has a remove button");
    settle(&main);
    ctx.db.flush_blocking().unwrap();
    assert_eq!(keywords_of(&ctx.db, &items[2..3]), [Vec::<String>::new()]);
    assert!(labelled(&main, "Sea gull").is_none());
    undo_after_clicking(&main, 3);
    ctx.db.flush_blocking().unwrap();
    assert_eq!(keywords_of(&ctx.db, &items[2..3]), [vec!["Sea gull".to_owned()]]);

    // A keyword that is too long is explained, and nothing is written.
    type_keyword(&main, &"x".repeat(101));
    key(&main, "\n");
    settle(&main);
    assert!(
        info.get_keyword_problem().contains("at most 100 characters"),
        "{}",
        info.get_keyword_problem()
    );
    ctx.db.flush_blocking().unwrap();
    let vocabulary = ctx.db.call_blocking(keywords::list).unwrap();
    assert_eq!(vocabulary.len(), 1, "{vocabulary:?}");
    assert_eq!(vocabulary[0].images, 3);
}
