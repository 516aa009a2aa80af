//! Reference images of the generation panel in Slint's testing backend: library images come
//! from the grid's context menu, the loupe's button and a drag onto the drop zone; files from
//! the picker and from a drop; a file that is not a usable image is refused with a message
//! naming it; references can be removed; Generate sends them in order; and "Reuse prompt and
//! settings" brings back those still in the library.

use crate::common;

use common::ui::{demo, mock_elapsed_time, open, press, settle};
use distillery::db::generation_inputs::{self, NewGenerationInput};
use distillery::db::media_query::{MediaFilter, MediaSort};
use distillery::db::types::MediaId;
use distillery::generation::{GenerationRequest, ReferenceSource};
use distillery::ui::{EngineAdapter, EngineState, GenerationAdapter, LibraryAdapter, MainWindow, ShellAdapter};
use i_slint_backend_testing::ElementHandle;
use slint::{ComponentHandle, LogicalPosition, Model};
use std::cell::RefCell;
use std::path::{Path, PathBuf};
use std::rc::Rc;

fn element(main: &MainWindow, label: &str) -> ElementHandle {
    ElementHandle::find_by_accessible_label(&main.window, label)
        .next()
        .unwrap_or_else(|| panic!("an element labelled {label:?}"))
}

fn centre(element: &ElementHandle) -> LogicalPosition {
    let (at, size) = (element.absolute_position(), element.size());
    LogicalPosition::new(at.x + size.width / 2.0, at.y + size.height / 2.0)
}

/// The names shown on the reference tiles, in order; fails while one is still being checked.
fn tiles(main: &MainWindow) -> Vec<String> {
    let references = main.window.global::<GenerationAdapter>().get_references();
    references
        .iter()
        .map(|r| {
            assert!(!r.loading, "{} is checked (on demand, at once)", r.name);
            assert_eq!(r.thumbnail.size().width, 112, "{} has its thumbnail", r.name);
            r.name.to_string()
        })
        .collect()
}

fn media_sources(ids: &[&MediaId]) -> Vec<ReferenceSource> {
    ids.iter().map(|id| ReferenceSource::Media((*id).clone())).collect()
}

#[test]
fn library_images_become_references_from_the_menu_the_loupe_and_a_drag() {
    common::init_testing_backend();
    let app = demo(12);
    let (ctx, main) = open(&app);
    let items = common::rows_in_view(&ctx.db, MediaFilter::default(), MediaSort::NewestFirst);
    let grid = main.window.global::<LibraryAdapter>();
    let form = main.window.global::<GenerationAdapter>();
    let shell = main.window.global::<ShellAdapter>();
    assert_eq!(form.get_mode_label(), "Text → image");

    // The context menu's "Use as Reference" with the panel closed: it opens.
    shell.invoke_toggle_generation_panel();
    settle(&main);
    assert!(!shell.get_generation_panel_open());
    grid.invoke_context_requested(2);
    grid.invoke_use_as_reference_requested();
    settle(&main);
    assert!(
        shell.get_generation_panel_open(),
        "the panel opens to show the reference"
    );
    assert_eq!(main.generation.references.sources(), media_sources(&[&items[2].id]));
    assert_eq!(tiles(&main), [items[2].file_name.clone()]);
    assert_eq!(form.get_mode_label(), "Image → image");
    element(&main, "Mode: Image → image");

    // The same image again is not added twice.
    grid.invoke_use_as_reference_requested();
    assert_eq!(main.generation.references.len(), 1);

    // R from the keyboard adds the selection.
    grid.invoke_cell_pressed(3, false, false);
    grid.invoke_cell_pressed(4, true, false);
    common::ui::key(&main, "r");
    assert_eq!(
        main.generation.references.sources(),
        media_sources(&[&items[2].id, &items[3].id, &items[4].id])
    );
    for _ in 0..2 {
        press(&main, "Remove reference 2", "the tiles added by R");
    }
    assert_eq!(main.generation.references.len(), 1);

    // The loupe's button adds the image it shows.
    grid.invoke_cell_pressed(5, false, false);
    grid.invoke_cell_activated(5);
    settle(&main);
    press(&main, "Use as reference", "the loupe's toolbar");
    settle(&main);
    assert_eq!(
        main.generation.references.sources(),
        media_sources(&[&items[2].id, &items[5].id])
    );
    main.window
        .global::<distillery::ui::LoupeAdapter>()
        .invoke_close_requested();
    settle(&main);

    // A thumbnail dragged sideways from the grid and dropped on the drop zone.
    let cell = centre(&element(&main, "Image 1"));
    let zone = centre(&element(&main, "Add reference images"));
    common::ui::drag_thumbnail(&main, cell, zone);
    assert_eq!(
        main.generation.references.sources(),
        media_sources(&[&items[2].id, &items[5].id, &items[0].id]),
        "the dragged thumbnail joins the references"
    );
    assert_eq!(tiles(&main).len(), 3);

    // The same with a finger: a thumbnail pulled sideways onto the drop zone.
    use i_slint_core::input::TouchPhase;
    let cell = centre(&element(&main, "Image 2"));
    let zone = centre(&element(&main, "Add reference images"));
    common::ui::touch(&main, 0, (cell.x, cell.y), TouchPhase::Started);
    mock_elapsed_time(150);
    for step in 1..=10 {
        common::ui::touch(&main, 0, (cell.x - 4.0 * step as f32, cell.y), TouchPhase::Moved);
    }
    for step in 1..=10 {
        let t = step as f32 / 10.0;
        let at = (
            cell.x - 40.0 + (zone.x - cell.x + 40.0) * t,
            cell.y + (zone.y - cell.y) * t,
        );
        common::ui::touch(&main, 0, at, TouchPhase::Moved);
    }
    common::ui::touch(&main, 0, (zone.x, zone.y), TouchPhase::Ended);
    settle(&main);
    assert_eq!(
        main.generation.references.sources(),
        media_sources(&[&items[2].id, &items[5].id, &items[0].id, &items[1].id]),
        "a finger drags a thumbnail too"
    );
    press(&main, "Remove reference 4", "the tile added by touch");

    // Removing the first keeps the others in order; Generate sends them.
    press(&main, "Remove reference 1", "the first tile");
    settle(&main);
    assert_eq!(
        main.generation.references.sources(),
        media_sources(&[&items[5].id, &items[0].id])
    );
    let sent: Rc<RefCell<Vec<GenerationRequest>>> = Rc::default();
    let into = sent.clone();
    main.connect_generation(Rc::new(move |request| into.borrow_mut().push(request)));
    main.window.global::<EngineAdapter>().set_state(EngineState::Ready);
    element(&main, "Prompt").set_accessible_value("the same harbour at night");
    settle(&main);
    press(&main, "Generate", "the panel");
    let sent = sent.borrow();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].references, media_sources(&[&items[5].id, &items[0].id]));
    assert_eq!(main.generation.references.len(), 2, "the form keeps its references");
    drop(app);
}

fn write_png(path: &Path, width: u32, height: u32) {
    image::RgbImage::from_fn(width, height, |x, y| image::Rgb([(x % 256) as u8, (y % 256) as u8, 90]))
        .save(path)
        .unwrap();
}

#[test]
fn files_are_checked_and_those_that_cannot_be_used_are_named() {
    common::init_testing_backend();
    let app = demo(3);
    let (_ctx, main) = open(&app);
    let form = main.window.global::<GenerationAdapter>();
    let files = tempfile::tempdir().unwrap();
    let photo = files.path().join("harbour at dusk é.png");
    write_png(&photo, 640, 400);
    let notes = files.path().join("notes.png");
    std::fs::write(&notes, "not an image at all").unwrap();
    let folder = files.path().join("folder.jpg");
    std::fs::create_dir(&folder).unwrap();
    let missing = files.path().join("gone.webp");

    // The drop zone's click asks the picker.
    let chosen = vec![photo.clone(), notes.clone(), folder.clone(), missing.clone()];
    main.generation
        .references
        .set_picker(Rc::new(move |give| give(chosen.clone())));
    press(&main, "Add reference images", "the drop zone");
    settle(&main);
    assert_eq!(
        main.generation.references.sources(),
        [ReferenceSource::File(photo.clone())],
        "only the readable image is added"
    );
    assert_eq!(tiles(&main), ["harbour at dusk é.png"]);
    let message = form.get_reference_message().to_string();
    for (name, reason) in [
        ("notes.png", "is not an image"),
        ("folder.jpg", "is a folder"),
        ("gone.webp", "does not exist"),
    ] {
        assert!(
            message
                .lines()
                .any(|line| line.starts_with(name) && line.contains(reason)),
            "{name}: {reason:?} in {message:?}"
        );
    }
    element(&main, &message);

    // A file dropped from the file manager; the message goes with the next change.
    let second = files.path().join("second.jpg");
    image::RgbImage::from_pixel(300, 500, image::Rgb([10, 200, 30]))
        .save(&second)
        .unwrap();
    let mut dropped = slint::DataTransfer::default();
    dropped.set_file_paths([second.clone()]);
    assert!(form.invoke_can_drop_reference(dropped.clone()));
    form.invoke_reference_dropped(dropped);
    settle(&main);
    assert_eq!(form.get_reference_message(), "");
    assert_eq!(tiles(&main), ["harbour at dusk é.png", "second.jpg"]);
    assert!(
        !form.invoke_can_drop_reference(slint::DataTransfer::from(slint::SharedString::from("text"))),
        "plain text is not taken"
    );

    // A cancelled picker changes nothing.
    main.generation
        .references
        .set_picker(Rc::new(|give| give(Vec::<PathBuf>::new())));
    press(&main, "Add reference images", "the drop zone");
    settle(&main);
    assert_eq!(main.generation.references.len(), 2);

    // No more than eight.
    let many: Vec<_> = (0..9)
        .map(|i| {
            let path = files.path().join(format!("{i}.png"));
            write_png(&path, 64, 64);
            ReferenceSource::File(path)
        })
        .collect();
    main.generation.references.add(many);
    settle(&main);
    assert_eq!(main.generation.references.len(), 8);
    assert!(form.get_reference_message().contains("At most 8"));
    drop(app);
}

#[test]
fn reuse_brings_back_the_references_still_in_the_library() {
    common::init_testing_backend();
    let app = demo(8);
    let (ctx, main) = open(&app);
    let items = common::rows_in_view(&ctx.db, MediaFilter::default(), MediaSort::NewestFirst);
    let made = items
        .iter()
        .position(|m| m.generation_id.is_some())
        .expect("a generated demo image");
    let generation = items[made].generation_id.clone().unwrap();
    let kept = items[(made + 1) % items.len()].id.clone();
    ctx.db
        .call_blocking(move |c| {
            generation_inputs::insert_all(
                c,
                &generation,
                &[
                    NewGenerationInput {
                        media_id: None,
                        thumb_path: "ref_thumbnails/deleted.jpg".into(),
                    },
                    NewGenerationInput {
                        media_id: Some(kept),
                        thumb_path: "ref_thumbnails/kept.jpg".into(),
                    },
                ],
            )
        })
        .unwrap();
    // Something else in the tray first: reuse replaces it.
    main.generation
        .references
        .add(media_sources(&[&items[(made + 2) % items.len()].id]));

    let grid = main.window.global::<LibraryAdapter>();
    grid.invoke_context_requested(made as i32);
    settle(&main);
    grid.invoke_reuse_requested();
    settle(&main);
    assert_eq!(
        main.generation.references.sources(),
        media_sources(&[&items[(made + 1) % items.len()].id]),
        "the deleted reference cannot come back; the other does"
    );
    assert_eq!(
        main.window.global::<GenerationAdapter>().get_mode_label(),
        "Image → image"
    );

    // An imported image has nothing to reuse, and says so.
    if let Some(imported) = items.iter().position(|m| m.generation_id.is_none()) {
        grid.invoke_context_requested(imported as i32);
        settle(&main);
        grid.invoke_reuse_requested();
        assert!(grid.get_notice().contains("no prompt and settings"));
    }
    drop(app);
}

#[test]
fn files_from_the_file_manager_go_where_they_are_dropped() {
    common::init_testing_backend();
    let app = demo(3);
    let (_ctx, main) = open(&app);
    let shell = main.window.global::<ShellAdapter>();
    let files = tempfile::tempdir().unwrap();
    let file = |name: &str| {
        let path = files.path().join(name);
        write_png(&path, 80, 60);
        path
    };
    let (first, second, third, fourth) = (file("a.png"), file("b.png"), file("c.png"), file("d.png"));

    // While files hover, both targets show.
    main.file_drop.hovered();
    settle(&main);
    assert!(shell.get_files_hovering());
    element(&main, "Import into library");
    main.file_drop.cancelled();
    assert!(!shell.get_files_hovering());

    let imported: Rc<RefCell<Vec<PathBuf>>> = Rc::default();
    let into = imported.clone();
    main.file_drop
        .set_import(Rc::new(move |paths| into.borrow_mut().extend(paths)));

    // No position: the files are imported (the larger target), not made references.
    main.file_drop.hovered();
    main.file_drop.dropped(first.clone());
    assert!(!shell.get_files_hovering(), "the targets go with the drop");
    mock_elapsed_time(300);
    settle(&main);
    assert_eq!(*imported.borrow(), std::slice::from_ref(&first));
    assert!(main.generation.references.is_empty());
    imported.borrow_mut().clear();

    // Dropped on the generation panel (x 100): references, and imported as well.
    main.file_drop.dropped(second.clone());
    main.file_drop.dropped(third.clone());
    main.file_drop.pointer_moved(100.0);
    settle(&main);
    assert_eq!(
        main.generation.references.sources(),
        [second.clone(), third.clone()]
            .into_iter()
            .map(ReferenceSource::File)
            .collect::<Vec<_>>()
    );
    assert_eq!(*imported.borrow(), [second.clone(), third.clone()]);

    // On the grid (x 800): imported only.
    main.file_drop.dropped(fourth.clone());
    main.file_drop.pointer_moved(800.0);
    settle(&main);
    assert_eq!(main.generation.references.len(), 2);
    assert_eq!(*imported.borrow(), [second, third, fourth]);
    drop(app);
}
