//! Undo and redo across every undoable action, in the grid and the loupe: the database (table
//! dumps, the search index and the counts the triggers keep) and the library's files come
//! back exactly, and redo does it all again.

use crate::common;

use common::pipeline::files_under;
use common::ui::{demo, key, open, settle};
use distillery::db::media;
use distillery::db::types::MediaId;
use distillery::generation::ReferenceSource;
use distillery::library::trash::TrashPolicy;
use distillery::ui::{LibraryAdapter, LoupeAdapter, MainWindow};
use slint::ComponentHandle;
use slint::platform::Key;
use std::path::Path;

/// Every row of the tables an edit can touch, as text, in a stable order (not rowids: a
/// restored row may get a new one, and nothing refers to them but the search index, which
/// is dumped by media id).
fn dump(db: &Path) -> Vec<String> {
    dump_columns(db, |_| true)
}

/// [`dump`] without the change times (redo writes new ones).
fn dump_without_times(db: &Path) -> Vec<String> {
    dump_columns(db, |column| column != "updated_at")
}

fn dump_columns(db: &Path, keep: impl Fn(&str) -> bool) -> Vec<String> {
    let conn = rusqlite::Connection::open_with_flags(db, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let mut lines = Vec::new();
    for query in [
        "SELECT * FROM media ORDER BY id",
        "SELECT * FROM generation_inputs ORDER BY id",
        // A count that went to zero keeps its row; zero and no row mean the same.
        "SELECT * FROM media_counts WHERE n > 0 ORDER BY rating, status",
        "SELECT m.id, s.prompt, s.file_name FROM media_search s JOIN media m ON m.rowid = s.rowid ORDER BY m.id",
        "SELECT count(*) FROM media_search",
    ] {
        let mut statement = conn.prepare(query).unwrap();
        let kept: Vec<usize> = (0..statement.column_count())
            .filter(|&i| keep(statement.column_name(i).unwrap()))
            .collect();
        let mut rows = statement.query([]).unwrap();
        while let Some(row) = rows.next().unwrap() {
            let cells: Vec<String> = kept
                .iter()
                .map(|&i| match row.get_ref(i).unwrap() {
                    rusqlite::types::ValueRef::Text(text) => String::from_utf8_lossy(text).into_owned(),
                    other => format!("{other:?}"),
                })
                .collect();
            lines.push(format!("{query}: {}", cells.join(" | ")));
        }
    }
    lines
}

/// Fails naming only the lines that differ.
fn assert_same(now: Vec<String>, expected: &[String], what: &str) {
    let missing: Vec<&String> = expected.iter().filter(|l| !now.contains(l)).collect();
    let extra: Vec<&String> = now.iter().filter(|l| !expected.contains(l)).collect();
    assert!(
        missing.is_empty() && extra.is_empty() && now.len() == expected.len(),
        "{what}\nmissing: {missing:#?}\nextra: {extra:#?}"
    );
}

/// The library's files, without its own trash folder (where deleted files wait).
fn files(root: &Path) -> Vec<String> {
    files_under(root)
        .into_iter()
        .filter(|f| !f.starts_with(".trash"))
        .collect()
}

fn with_ctrl(main: &MainWindow, shift: bool, key_text: &str) {
    let modifiers: &[Key] = if shift {
        &[Key::Control, Key::Shift]
    } else {
        &[Key::Control]
    };
    common::ui::chord(main, modifiers, key_text);
}

fn undo(main: &MainWindow) {
    with_ctrl(main, false, "z");
    assert!(main.history.is_idle());
}

fn redo(main: &MainWindow, shift_z: bool) {
    if shift_z {
        with_ctrl(main, true, "Z");
    } else {
        with_ctrl(main, false, "y");
    }
    assert!(main.history.is_idle());
}

fn click(main: &MainWindow, index: i32, ctrl: bool, shift: bool) {
    main.window
        .global::<LibraryAdapter>()
        .invoke_cell_pressed(index, ctrl, shift);
    settle(main);
}

#[test]
fn every_edit_undoes_and_redoes_exactly_in_grid_and_loupe() {
    common::init_testing_backend();
    let app = demo(40);
    let (ctx, main) = open(&app);
    main.library.set_trash_policy(TrashPolicy::LibraryOnly);
    let adapter = main.window.global::<LibraryAdapter>();
    let root = ctx.library.path().to_owned();
    let db_path = ctx.db.path().to_owned();

    // The item deleted below is a reference of a generation: undo must link it again.
    let doomed_index = 5;
    click(&main, doomed_index, false, false);
    let doomed: MediaId = main.library.current_id().unwrap();
    let generation: String = rusqlite::Connection::open(ctx.db.path())
        .unwrap()
        .query_row(
            "SELECT generation_id FROM media WHERE generation_id IS NOT NULL LIMIT 1",
            [],
            |row| row.get(0),
        )
        .expect("the demo library has generated items");
    let generation = distillery::db::types::GenerationId::from_string(&generation);
    common::link_as_reference(&ctx.db, &generation, &doomed);
    ctx.db.flush_blocking().unwrap();
    let original_dump = dump(&db_path);
    let original_files = files(&root);

    // 1. A rating on one item, 2. reject on three (shift-click), 3. a pick in the loupe.
    click(&main, 0, false, false);
    key(&main, "3");
    click(&main, 1, false, false);
    click(&main, 3, false, true);
    key(&main, "x");
    click(&main, 2, false, false);
    key(&main, Key::Return);
    settle(&main);
    assert!(main.window.global::<LoupeAdapter>().get_open());
    key(&main, "p");
    key(&main, Key::Escape);
    settle(&main);
    // 4. A delete (confirmed), 5. a reference added with R, 6. one removed.
    click(&main, doomed_index, false, false);
    key(&main, Key::Delete);
    key(&main, Key::Return);
    settle(&main);
    assert!(main.history.is_idle());
    assert!(
        ctx.db
            .call_blocking({
                let d = doomed.clone();
                move |c| media::get(c, &d)
            })
            .unwrap()
            .is_none()
    );
    click(&main, 0, false, false);
    let reference = main.library.current_id().unwrap();
    key(&main, "r");
    settle(&main);
    assert_eq!(
        main.generation.references.sources(),
        vec![ReferenceSource::Media(reference.clone())]
    );
    main.window
        .global::<distillery::ui::GenerationAdapter>()
        .invoke_remove_reference(0);
    settle(&main);
    assert!(main.generation.references.sources().is_empty());
    ctx.db.flush_blocking().unwrap();
    let edited_dump = dump(&db_path);
    let edited_dump_without_times = dump_without_times(&db_path);
    let edited_files = files(&root);
    assert_ne!(edited_dump, original_dump);

    // Undo the six edits, newest first, checking the toast of some.
    undo(&main);
    assert_eq!(
        main.generation.references.sources(),
        vec![ReferenceSource::Media(reference.clone())]
    );
    undo(&main);
    assert!(main.generation.references.sources().is_empty());
    undo(&main);
    assert_eq!(adapter.get_notice(), "Undone: moving 1 image to the trash.");
    assert_eq!(
        main.library.current_id(),
        Some(doomed.clone()),
        "the restored image is shown"
    );
    undo(&main);
    assert_eq!(adapter.get_notice(), "Undone: picking 1 image.");
    undo(&main);
    assert_eq!(adapter.get_notice(), "Undone: rejecting 3 images.");
    assert_eq!(
        main.library.selection().len(),
        3,
        "the edited images are selected again"
    );
    undo(&main);
    assert_eq!(adapter.get_notice(), "Undone: rating 3 stars on 1 image.");
    undo(&main);
    assert_eq!(adapter.get_notice(), "Nothing to undo.");
    ctx.db.flush_blocking().unwrap();
    assert_same(dump(&db_path), &original_dump, "the database is as it was");
    assert_eq!(files(&root), original_files, "the files are as they were");
    // The grid shows it too.
    assert_eq!(
        main.library.item_at(0).unwrap().rating,
        ctx.db
            .call_blocking({
                let id = main.library.item_at(0).unwrap().id;
                move |c| media::get(c, &id)
            })
            .unwrap()
            .unwrap()
            .rating
    );

    // Redo all six with both redo keys.
    for n in 0..6 {
        redo(&main, n % 2 == 0);
    }
    redo(&main, true);
    assert_eq!(adapter.get_notice(), "Nothing to redo.");
    ctx.db.flush_blocking().unwrap();
    // Redo writes new change times; everything else is as after the edits.
    assert_same(dump_without_times(&db_path), &edited_dump_without_times, "redone");
    assert_eq!(files(&root), edited_files);
    assert!(main.generation.references.sources().is_empty());
    assert_eq!(ctx.db.call_blocking(media::count_all).unwrap(), 39);
}
