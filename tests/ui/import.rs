//! Importing from the window in Slint's testing backend: Ctrl+Shift+I and the filter bar's
//! folder choice open the pickers, files dropped from the file manager onto the grid are
//! imported, the grid shows the new images first, and the status bar's summary names each
//! file that could not be imported with its reason until dismissed.

use crate::common;

use common::ui::{demo, open, press, settle};
use distillery::ui::{ImportAdapter, MainWindow};
use i_slint_backend_testing::ElementHandle;
use slint::platform::{Key, WindowEvent};
use slint::{ComponentHandle, Model};
use std::path::{Path, PathBuf};
use std::rc::Rc;

fn write_png(path: &Path, shade: u8) {
    image::RgbImage::from_fn(120, 90, |x, y| image::Rgb([shade, (x % 256) as u8, (y % 256) as u8]))
        .save(path)
        .unwrap();
}

fn labelled(main: &MainWindow, label: &str) -> usize {
    ElementHandle::find_by_accessible_label(&main.window, label).count()
}

#[test]
fn files_picked_with_ctrl_shift_i_are_imported_and_failures_are_listed() {
    common::init_testing_backend();
    let app = demo(4);
    let (ctx, main) = open(&app);
    let files = tempfile::tempdir().unwrap();
    let (a, b) = (files.path().join("harbour.png"), files.path().join("dunes.png"));
    write_png(&a, 10);
    write_png(&b, 200);
    let broken = files.path().join("broken.png");
    std::fs::write(&broken, b"\x89PNG\r\n\x1a\nnot really").unwrap();
    let picked = vec![a.clone(), b.clone(), broken.clone()];
    let unused: Vec<PathBuf> = Vec::new();
    main.import.set_pickers(
        Rc::new(move |give| give(picked.clone())),
        Rc::new(move |give| give(unused.clone())),
    );

    let window = main.window.window();
    for text in [Key::Control, Key::Shift] {
        window.dispatch_event(WindowEvent::KeyPressed { text: text.into() });
    }
    common::ui::key(&main, "I");
    for text in [Key::Shift, Key::Control] {
        window.dispatch_event(WindowEvent::KeyReleased { text: text.into() });
    }
    settle(&main);

    let adapter = main.window.global::<ImportAdapter>();
    assert!(!adapter.get_running());
    assert_eq!(adapter.get_summary(), "2 imported, 1 failed");
    let details: Vec<String> = adapter.get_details().iter().map(|d| d.to_string()).collect();
    assert_eq!(details.len(), 1);
    assert!(
        details[0].contains("broken.png") && details[0].contains("is not a readable image"),
        "{details:?}"
    );
    assert_eq!(
        labelled(&main, "Import: 2 imported, 1 failed"),
        1,
        "the status bar shows the summary"
    );
    assert_eq!(labelled(&main, "Show import details"), 1);

    // The grid has them first (newest), six in all.
    assert_eq!(main.library.view_len(), 6);
    let names: Vec<String> = (0..2)
        .map(|i| {
            let id = main.library.item_at(i).unwrap().id;
            let row = ctx
                .db
                .call_blocking(move |c| distillery::db::media::get(c, &id))
                .unwrap()
                .unwrap();
            row.file_name
        })
        .collect();
    assert!(
        names.contains(&"harbour.png".to_owned()) && names.contains(&"dunes.png".to_owned()),
        "{names:?}"
    );

    press(&main, "Dismiss import summary", "the summary can be dismissed");
    assert_eq!(adapter.get_summary(), "");
    assert_eq!(labelled(&main, "Show import details"), 0);
    drop(app);
}

#[test]
fn a_folder_from_the_filter_bar_and_files_dropped_on_the_grid_are_imported() {
    common::init_testing_backend();
    let app = demo(2);
    let (_ctx, main) = open(&app);
    let files = tempfile::tempdir().unwrap();
    let folder = files.path().join("shoot");
    std::fs::create_dir_all(folder.join("day 2")).unwrap();
    write_png(&folder.join("one.png"), 1);
    write_png(&folder.join("day 2/two.png"), 2);
    std::fs::write(folder.join("notes.txt"), "not an image").unwrap();
    let chosen = vec![folder.clone()];
    let none: Vec<PathBuf> = Vec::new();
    main.import.set_pickers(
        Rc::new(move |give| give(none.clone())),
        Rc::new(move |give| give(chosen.clone())),
    );
    assert_eq!(
        labelled(&main, "Import images"),
        1,
        "the filter bar has an Import button"
    );
    main.window.global::<ImportAdapter>().invoke_import_folder_requested();
    settle(&main);
    let adapter = main.window.global::<ImportAdapter>();
    assert_eq!(
        adapter.get_summary(),
        "2 imported",
        "the folder is walked; other files are ignored"
    );
    assert_eq!(main.library.view_len(), 4);

    // Dropped on the grid (right of the generation panel).
    let dropped = files.path().join("dropped.png");
    write_png(&dropped, 99);
    main.file_drop.dropped(dropped);
    main.file_drop.pointer_moved(900.0);
    settle(&main);
    assert_eq!(adapter.get_summary(), "1 imported");
    assert_eq!(main.library.view_len(), 5);
    assert!(
        main.generation.references.is_empty(),
        "a drop on the grid is no reference"
    );
    drop(app);
}

#[test]
fn formats_beyond_png_and_jpeg_import_and_embedded_parameters_show_in_the_info_panel() {
    common::init_testing_backend();
    let app = demo(1);
    let (_ctx, main) = open(&app);
    let files = tempfile::tempdir().unwrap();
    let picture = image::RgbImage::from_fn(90, 60, |x, y| image::Rgb([(x * 2) as u8, (y * 3) as u8, 77]));
    let mut picked = Vec::new();
    for (name, format) in [
        ("anim.gif", image::ImageFormat::Gif),
        ("scan.bmp", image::ImageFormat::Bmp),
        ("print.tiff", image::ImageFormat::Tiff),
        ("photo.webp", image::ImageFormat::WebP),
    ] {
        let path = files.path().join(name);
        picture.save_with_format(&path, format).unwrap();
        picked.push(path);
    }
    // A WebUI image with its parameters chunk.
    let mut png = Vec::new();
    picture
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    let text = "a lighthouse in fog\nNegative prompt: people\nSteps: 30, Sampler: Euler a, CFG scale: 7, Seed: 987654, Size: 90x60, Model: dreamshaper_8";
    let png = distillery::library::png_text::with_text_chunks(&png, &[("parameters", text)]).unwrap();
    let webui = files.path().join("webui.png");
    std::fs::write(&webui, png).unwrap();
    picked.push(webui);

    main.import.start(picked);
    settle(&main);
    let adapter = main.window.global::<ImportAdapter>();
    assert_eq!(adapter.get_summary(), "5 imported", "GIF, BMP, TIFF, WebP and PNG");

    // The WebUI image is one of the newest; select it and read the panel.
    let grid = main.window.global::<distillery::ui::LibraryAdapter>();
    let info = main.window.global::<distillery::ui::InfoAdapter>();
    let shown = (0..5).find(|&i| {
        grid.invoke_cell_pressed(i, false, false);
        settle(&main);
        info.get_file_name() == "webui.png"
    });
    assert!(shown.is_some(), "webui.png is in the grid");
    assert!(info.get_generated(), "its parameters are shown");
    assert_eq!(info.get_prompt(), "a lighthouse in fog");
    assert_eq!(info.get_seed(), "987654");
    assert_eq!(info.get_steps(), "30");
    assert_eq!(info.get_sampler(), "Euler a");
    assert_eq!(info.get_model(), "dreamshaper_8");
    assert_eq!(info.get_negative_prompt(), "people", "the negative prompt is shown too");
    assert_eq!(info.get_dimensions(), "90 × 60");
    assert!(
        i_slint_backend_testing::ElementHandle::find_by_accessible_label(&main.window, "Negative: people")
            .next()
            .is_some(),
        "the panel has a Negative line"
    );
    drop(app);
}
