//! The loupe in Slint's testing backend over a real demo library: it walks the grid's filter
//! and sort order, culls with the grid's keys (and confirms, and auto-advances), holds at
//! most three decoded images, shows a damaged file's problem and moves on, and returns to
//! the grid on the same item.

use crate::common;

use common::ui::{demo, open, settle};
use distillery::app::AppContext;
use distillery::db::media::{self, Media};
use distillery::db::media_query::{MediaFilter, MediaSort};
use distillery::db::types::{CullStatus, Rating};
use distillery::ui::{CullMark, FlashKind, LibraryAdapter, LoupeAdapter, MAX_DECODED, MainWindow};
use i_slint_backend_testing::ElementHandle;
use slint::platform::{Key, WindowEvent};
use slint::{ComponentHandle, SharedString};

/// A key press, then everything it asked for loaded and decoded.
fn key(main: &MainWindow, text: impl Into<SharedString>) {
    common::ui::key(main, text);
    settle(main);
}

fn view(ctx: &AppContext, filter: MediaFilter, sort: MediaSort) -> Vec<Media> {
    common::rows_in_view(&ctx.db, filter, sort)
}

fn stored(ctx: &AppContext, item: &Media) -> Media {
    let id = item.id.clone();
    ctx.db.flush_blocking().unwrap();
    ctx.db.call_blocking(move |c| media::get(c, &id)).unwrap().unwrap()
}

#[test]
fn the_loupe_walks_the_filtered_view_in_order_and_returns_to_the_same_item() {
    common::init_testing_backend();
    let app = demo(80);
    let (ctx, main) = open(&app);
    let library = main.window.global::<LibraryAdapter>();
    let loupe = main.window.global::<LoupeAdapter>();
    // Two stars and up, oldest first: the loupe follows exactly this order.
    library.set_min_rating(2);
    library.set_sort(1);
    library.invoke_view_changed();
    settle(&main);
    let filter = MediaFilter {
        min_rating: Rating::new(2).unwrap(),
        ..MediaFilter::default()
    };
    let expected = view(&ctx, filter, MediaSort::OldestFirst);
    assert!(expected.len() > 8, "the demo library has rated items");

    library.invoke_cell_pressed(0, false, false);
    key(&main, Key::Return);
    assert!(loupe.get_open());
    assert_eq!(loupe.get_count() as usize, expected.len());
    for (step, item) in expected.iter().enumerate().take(6) {
        assert_eq!(loupe.get_position() as usize, step);
        assert_eq!(loupe.get_file_name(), item.file_name.as_str());
        assert!(loupe.get_has_image(), "image {step} is decoded and shown");
        assert_eq!(loupe.get_error(), "");
        key(&main, Key::RightArrow);
    }
    key(&main, Key::LeftArrow);
    assert_eq!(loupe.get_position(), 5);
    // Up and down do nothing in the loupe.
    key(&main, Key::DownArrow);
    assert_eq!(loupe.get_position(), 5);

    key(&main, Key::Escape);
    assert!(!loupe.get_open());
    assert_eq!(main.library.selection(), vec![expected[5].id.clone()]);
    assert_eq!(main.library.current_position(), Some(5));

    // Ctrl+2 opens it again on the same item; the toolbar's button closes it.
    main.window.window().dispatch_event(WindowEvent::KeyPressed {
        text: Key::Control.into(),
    });
    key(&main, "2");
    main.window.window().dispatch_event(WindowEvent::KeyReleased {
        text: Key::Control.into(),
    });
    assert!(loupe.get_open());
    assert_eq!(loupe.get_file_name(), expected[5].file_name.as_str());
    let back = ElementHandle::find_by_accessible_label(&main.window, "Back to grid")
        .next()
        .expect("the toolbar has a back button");
    common::ui::click(&main, &back, "Back to grid");
    settle(&main);
    assert!(!loupe.get_open());

    // Double-clicking a cell (its default action) opens that item.
    library.invoke_cell_activated(3);
    settle(&main);
    assert!(loupe.get_open());
    assert_eq!(loupe.get_file_name(), expected[3].file_name.as_str());
}

#[test]
fn culling_in_the_loupe_is_saved_confirmed_and_can_advance() {
    common::init_testing_backend();
    let app = demo(30);
    let (ctx, main) = open(&app);
    let loupe = main.window.global::<LoupeAdapter>();
    let expected = view(&ctx, MediaFilter::default(), MediaSort::NewestFirst);
    key(&main, Key::Return);
    assert!(loupe.get_open(), "Enter opens the first item when none is selected");
    assert_eq!(loupe.get_position(), 0);

    key(&main, "4");
    assert_eq!(loupe.get_rating(), 4);
    assert!(loupe.get_flash_visible());
    assert_eq!(
        (loupe.get_flash_kind(), loupe.get_flash_value()),
        (FlashKind::Rating, 4)
    );
    assert_eq!(stored(&ctx, &expected[0]).rating, Rating::new(4).unwrap());
    assert_eq!(loupe.get_position(), 0, "no auto-advance by default");

    // The toolbar's checkbox turns auto-advance on, and it is remembered.
    let toggle = ElementHandle::find_by_accessible_label(&main.window, "Auto-advance")
        .next()
        .expect("the toolbar has the auto-advance toggle");
    common::ui::click(&main, &toggle, "Auto-advance");
    assert!(loupe.get_auto_advance());
    key(&main, "x");
    assert_eq!(stored(&ctx, &expected[0]).status, Some(CullStatus::Rejected));
    assert_eq!(
        (loupe.get_flash_kind(), loupe.get_flash_mark()),
        (FlashKind::Status, CullMark::Rejected)
    );
    assert_eq!(loupe.get_position(), 1, "moved on after the culling key");
    assert_eq!(
        loupe.get_flash_index(),
        0,
        "the confirmation belongs to the image that was rejected, not the next one"
    );
    settle(&main);
    let rejected = ElementHandle::find_by_accessible_label(&main.window, "Image 1, rejected")
        .next()
        .expect("the film strip marks the rejected image");
    let current = ElementHandle::find_by_accessible_label(&main.window, "Image 2")
        .next()
        .expect("the current image is in the strip");
    assert!(
        rejected.absolute_position().x < current.absolute_position().x,
        "the rejected image is left of the current one"
    );
    key(&main, "p");
    assert_eq!(stored(&ctx, &expected[1]).status, Some(CullStatus::Selected));
    assert_eq!(loupe.get_position(), 2);
    ctx.db.flush_blocking().unwrap();
    let state = ctx.db.call_blocking(distillery::settings::load_ui_state).unwrap();
    assert!(state.auto_advance);
}

#[test]
fn the_film_strip_keeps_the_current_image_in_the_middle() {
    common::init_testing_backend();
    let app = demo(60);
    let (_ctx, main) = open(&app);
    let loupe = main.window.global::<LoupeAdapter>();
    key(&main, Key::Return);
    for _ in 0..20 {
        key(&main, Key::RightArrow);
    }
    settle(&main);
    assert_eq!(loupe.get_position(), 20);
    let strip = ElementHandle::find_by_accessible_label(&main.window, "Film strip")
        .next()
        .expect("the loupe has a film strip");
    let current = ElementHandle::find_by_accessible_label(&main.window, "Image 21")
        .next()
        .expect("the current image is in the strip");
    let middle = |e: &ElementHandle| e.absolute_position().x + e.size().width / 2.0;
    let off_centre = (middle(&current) - middle(&strip)).abs();
    assert!(
        off_centre <= 60.0,
        "the current image sits in the middle of the strip ({off_centre} px off), with images ahead of it"
    );
    let ahead = ElementHandle::find_by_accessible_label(&main.window, "Image 24")
        .next()
        .expect("images ahead of the current one are shown");
    assert!(middle(&ahead) < strip.absolute_position().x + strip.size().width);
    // At the start it cannot centre: the first image stays at the left end.
    for _ in 0..20 {
        key(&main, Key::LeftArrow);
    }
    settle(&main);
    assert_eq!(loupe.get_position(), 0);
    let first = ElementHandle::find_by_accessible_label(&main.window, "Image 1")
        .next()
        .unwrap();
    assert!(first.absolute_position().x < middle(&strip));
}

#[test]
fn walking_two_hundred_images_never_holds_more_than_three_decoded() {
    common::init_testing_backend();
    let app = demo(210);
    let (_ctx, main) = open(&app);
    let loupe = main.window.global::<LoupeAdapter>();
    key(&main, Key::Return);
    for _ in 0..200 {
        key(&main, Key::RightArrow);
        assert!(loupe.get_has_image());
    }
    assert_eq!(loupe.get_position(), 200);
    let (now, peak) = main.loupe.decoded_images();
    assert!(now <= MAX_DECODED && peak <= MAX_DECODED, "held {now}, at most {peak}");
    assert_eq!(peak, MAX_DECODED, "current, next and previous were all decoded");
    for _ in 0..3 {
        key(&main, Key::LeftArrow);
        assert!(loupe.get_has_image());
    }
    assert!(main.loupe.decoded_images().1 <= MAX_DECODED);
}

#[test]
fn a_damaged_file_shows_its_problem_and_the_next_key_moves_on() {
    common::init_testing_backend();
    let app = demo(6);
    let (ctx, main) = open(&app);
    let loupe = main.window.global::<LoupeAdapter>();
    let expected = view(&ctx, MediaFilter::default(), MediaSort::NewestFirst);
    let damaged = app.library_dir().join(&expected[2].file_path);
    std::fs::write(&damaged, b"\x89PNG\r\n\x1a\nthis is not the rest of a PNG").unwrap();

    key(&main, Key::Return);
    key(&main, Key::RightArrow);
    key(&main, Key::RightArrow);
    assert_eq!(loupe.get_position(), 2);
    assert!(!loupe.get_has_image());
    let error = loupe.get_error().to_string();
    assert!(
        error.contains(&expected[2].file_name) || error.contains(".png"),
        "{error}"
    );
    assert!(error.contains("damaged") || error.contains("not"), "{error}");

    key(&main, Key::RightArrow);
    assert_eq!(loupe.get_position(), 3);
    assert_eq!(loupe.get_error(), "");
    assert!(loupe.get_has_image());
}

#[test]
fn a_half_jpeg_and_a_tiff_that_breaks_its_decoder_are_named_and_the_loupe_goes_on() {
    common::init_testing_backend();
    let app = demo(6);
    let (ctx, main) = open(&app);
    let loupe = main.window.global::<LoupeAdapter>();
    let expected = view(&ctx, MediaFilter::default(), MediaSort::NewestFirst);
    // A JPEG cut in half (its decoder would pad it grey) and a tiled planar TIFF (its
    // decoder asserts), written over two originals as a failing disk or a bad copy would.
    let jpeg = common::corpus::jpeg_bytes(&common::corpus::photo(640, 480, 3));
    std::fs::write(app.library_dir().join(&expected[1].file_path), &jpeg[..jpeg.len() / 2]).unwrap();
    let seeds = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/fuzz-seeds");
    std::fs::copy(
        seeds.join("tiled-planar.tif"),
        app.library_dir().join(&expected[2].file_path),
    )
    .unwrap();

    key(&main, Key::Return);
    key(&main, Key::RightArrow);
    assert_eq!(loupe.get_position(), 1);
    assert!(!loupe.get_has_image());
    assert_eq!(
        loupe.get_error().to_string(),
        format!("{} is incomplete (the file ends too early).", expected[1].file_name)
    );
    key(&main, Key::RightArrow);
    assert_eq!(loupe.get_position(), 2);
    assert!(!loupe.get_has_image());
    assert_eq!(
        loupe.get_error().to_string(),
        format!("{} could not be read: the decoder failed on it.", expected[2].file_name)
    );
    // The loupe's decoding survived the decoder's panic.
    key(&main, Key::RightArrow);
    assert_eq!(loupe.get_position(), 3);
    assert_eq!(loupe.get_error(), "");
    assert!(loupe.get_has_image());
}

#[test]
fn zooming_past_the_screen_sized_image_loads_it_in_full() {
    common::init_testing_backend();
    let app = demo(4);
    let (ctx, main) = open(&app);
    let loupe = main.window.global::<LoupeAdapter>();
    let expected = view(&ctx, MediaFilter::default(), MediaSort::NewestFirst);
    let tallest = expected
        .iter()
        .position(|m| m.height.unwrap_or(0) > 800)
        .expect("a demo image taller than the 800 px window");
    main.library.select_single_at(tallest);
    key(&main, Key::Return);
    let (full_width, full_height) = (
        expected[tallest].width.unwrap() as u32,
        expected[tallest].height.unwrap() as u32,
    );
    assert_eq!(
        (loupe.get_image_width() as u32, loupe.get_image_height() as u32),
        (full_width, full_height)
    );
    let first = loupe.get_image().size();
    assert!(first.height <= 800, "screen-sized first: {first:?}");

    // 100 %, as a double-click or the wheel would set it.
    loupe.set_fit(false);
    loupe.set_zoom(1.0);
    loupe.invoke_zoom_changed(1.0);
    settle(&main);
    let zoomed = loupe.get_image().size();
    assert_eq!((zoomed.width, zoomed.height), (full_width, full_height));
    assert!(main.loupe.decoded_images().1 <= MAX_DECODED);
}

#[test]
fn a_neighbour_whose_page_arrives_later_is_still_prefetched() {
    common::init_testing_backend();
    let app = demo(210);
    let (_ctx, main) = open(&app);
    let loupe = main.window.global::<LoupeAdapter>();
    key(&main, Key::Return);
    // The last item of the first page: its next neighbour is on a page not loaded yet.
    loupe.invoke_go_to(199);
    settle(&main);
    assert_eq!(loupe.get_position(), 199);
    assert!(loupe.get_has_image());

    // No loading between the key and the check: the next image must already be decoded.
    common::ui::key(&main, Key::RightArrow);
    assert_eq!(loupe.get_position(), 200);
    assert!(
        loupe.get_has_image(),
        "the image after the page boundary was prefetched"
    );
}

/// The loupe at the smallest window, both panels open and the demo banner up: the panels
/// collapse to their rails and the banner steps aside, so the image area is at least 60 % of
/// the window; at 1280 × 800 likewise, and at 1440 px the panels come back beside it.
#[test]
fn the_loupe_image_gets_most_of_a_small_window() {
    common::init_testing_backend();
    let app = demo(8);
    let (_ctx, main) = open(&app);
    main.window.global::<distillery::ui::EngineAdapter>().set_demo(true);
    let loupe = main.window.global::<LoupeAdapter>();
    key(&main, Key::Return);
    assert!(loupe.get_open());
    for (width, height, least) in [(960.0, 600.0, 0.60), (1280.0, 800.0, 0.70), (1440.0, 900.0, 0.35)] {
        main.window.window().set_size(slint::LogicalSize::new(width, height));
        settle(&main);
        let canvas = ElementHandle::find_by_accessible_label(&main.window, loupe.get_file_name().as_str())
            .max_by(|a, b| (a.size().width * a.size().height).total_cmp(&(b.size().width * b.size().height)))
            .expect("the image canvas");
        let share = canvas.size().width * canvas.size().height / (width * height);
        eprintln!(
            "loupe image area at {width}×{height}: {:.1} % of the window",
            share * 100.0
        );
        assert!(
            share >= least,
            "{width}×{height}: the image area is {:.1} %",
            share * 100.0
        );
        let beside = ElementHandle::find_by_accessible_label(&main.window, "Media info")
            .next()
            .is_some();
        assert_eq!(
            beside,
            width >= 1440.0,
            "{width}×{height}: the info panel beside the image"
        );
    }
    // Collapsed, the info panel still opens from its rail, over the image.
    main.window.window().set_size(slint::LogicalSize::new(960.0, 600.0));
    settle(&main);
    common::ui::press(&main, "Info panel", "the info rail");
    settle(&main);
    assert!(
        ElementHandle::find_by_accessible_label(&main.window, "Media info")
            .next()
            .is_some(),
        "the info panel floats over the loupe"
    );
    common::ui::press(&main, "Rejected", "the floating panel's status toggle");
    assert_eq!(loupe.get_status(), CullMark::Rejected, "and it works there");
}
