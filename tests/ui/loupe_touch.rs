//! The loupe by touch, through the same path a touchscreen takes: raw touch points go into
//! the window, and Slint turns them into pointer events and pinch gestures for the loupe's
//! SwipeGestureHandler, ScaleRotateGestureHandler and TouchAreas. Swipes navigate and cull,
//! a double tap toggles fit and 100 %, a pinch zooms, a drag pans when zoomed, and the star
//! strip rates with a tap.

use crate::common;

use common::ui::{demo, mock_elapsed_time, open, settle, touch};
use distillery::app::AppContext;
use distillery::db::media::{self, Media};
use distillery::db::media_query::{MediaFilter, MediaSort};
use distillery::db::types::{CullStatus, Rating};
use distillery::ui::{CullMark, FlashKind, LoupeAdapter, MainWindow};
use i_slint_backend_testing::ElementHandle;
use i_slint_core::input::TouchPhase;
use slint::ComponentHandle;
use slint::platform::Key;

/// One finger from `from` to `to` in a few steps, then lifted.
fn drag(main: &MainWindow, from: (f32, f32), to: (f32, f32)) {
    touch(main, 0, from, TouchPhase::Started);
    for step in 1..=4 {
        let t = step as f32 / 4.0;
        let at = (from.0 + (to.0 - from.0) * t, from.1 + (to.1 - from.1) * t);
        touch(main, 0, at, TouchPhase::Moved);
    }
    touch(main, 0, to, TouchPhase::Ended);
    settle(main);
}

fn tap(main: &MainWindow, at: (f32, f32)) {
    touch(main, 0, at, TouchPhase::Started);
    mock_elapsed_time(40);
    touch(main, 0, at, TouchPhase::Ended);
    mock_elapsed_time(60);
}

/// The centre of the image area (the element labelled with the current file name).
fn canvas_centre(main: &MainWindow) -> (f32, f32) {
    let name = main.window.global::<LoupeAdapter>().get_file_name();
    let canvas = ElementHandle::find_by_accessible_label(&main.window, &name)
        .find(|e| e.accessible_role() == Some(i_slint_backend_testing::AccessibleRole::Image))
        .expect("the image area is labelled with the file name");
    let (at, size) = (canvas.absolute_position(), canvas.size());
    (at.x + size.width / 2.0, at.y + size.height / 2.0)
}

fn in_view(ctx: &AppContext) -> Vec<Media> {
    common::rows_in_view(&ctx.db, MediaFilter::default(), MediaSort::NewestFirst)
}

fn stored(ctx: &AppContext, item: &Media) -> Media {
    let id = item.id.clone();
    ctx.db.flush_blocking().unwrap();
    ctx.db.call_blocking(move |c| media::get(c, &id)).unwrap().unwrap()
}

fn open_loupe(main: &MainWindow, at: usize) {
    main.library.select_single_at(at);
    common::ui::key(main, Key::Return);
    settle(main);
    assert!(main.window.global::<LoupeAdapter>().get_open());
}

#[test]
fn swipes_navigate_and_cull_at_fit() {
    common::init_testing_backend();
    let app = demo(12);
    let (ctx, main) = open(&app);
    let loupe = main.window.global::<LoupeAdapter>();
    let items = in_view(&ctx);
    open_loupe(&main, 2);
    let (x, y) = canvas_centre(&main);

    drag(&main, (x + 120.0, y), (x - 120.0, y));
    assert_eq!(loupe.get_position(), 3, "a swipe to the left shows the next image");
    assert_eq!(loupe.get_file_name(), items[3].file_name.as_str());
    drag(&main, (x - 120.0, y), (x + 120.0, y));
    drag(&main, (x - 120.0, y), (x + 120.0, y));
    assert_eq!(loupe.get_position(), 1, "swipes to the right go back");

    drag(&main, (x, y + 120.0), (x, y - 120.0));
    assert_eq!(
        stored(&ctx, &items[1]).status,
        Some(CullStatus::Selected),
        "swipe up picks"
    );
    assert!(loupe.get_flash_visible(), "the pick is confirmed on screen");
    assert_eq!(
        (loupe.get_flash_kind(), loupe.get_flash_mark()),
        (FlashKind::Status, CullMark::Selected)
    );
    drag(&main, (x, y - 120.0), (x, y + 120.0));
    assert_eq!(
        stored(&ctx, &items[1]).status,
        Some(CullStatus::Rejected),
        "swipe down rejects"
    );
    assert_eq!(
        (loupe.get_flash_kind(), loupe.get_flash_mark()),
        (FlashKind::Status, CullMark::Rejected)
    );
    assert_eq!(loupe.get_position(), 1, "culling by swipe stays on the image");

    // A short wobble is a tap, not a swipe.
    drag(&main, (x, y), (x + 3.0, y + 2.0));
    assert_eq!(loupe.get_position(), 1);
}

#[test]
fn the_star_strip_rates_with_a_tap() {
    common::init_testing_backend();
    let app = demo(6);
    let (ctx, main) = open(&app);
    let items = in_view(&ctx);
    open_loupe(&main, 0);

    let star = ElementHandle::find_by_accessible_label(&main.window, "Rate 4 stars")
        .next()
        .expect("the loupe toolbar has a star strip");
    let size = star.size();
    assert!(
        size.width >= 36.0 && size.height >= 36.0,
        "a finger can hit it: {size:?}"
    );
    let at = star.absolute_position();
    tap(&main, (at.x + size.width / 2.0, at.y + size.height / 2.0));
    settle(&main);
    assert_eq!(stored(&ctx, &items[0]).rating, Rating::new(4).unwrap());
    // Tapping the current rating clears it.
    tap(&main, (at.x + size.width / 2.0, at.y + size.height / 2.0));
    settle(&main);
    assert_eq!(stored(&ctx, &items[0]).rating, Rating::UNRATED);
}

#[test]
fn double_tap_pinch_and_drag_zoom_and_pan() {
    common::init_testing_backend();
    let app = demo(4);
    let (ctx, main) = open(&app);
    let loupe = main.window.global::<LoupeAdapter>();
    let items = in_view(&ctx);
    // An image larger than the screen, so fit is below 100 %.
    let tallest = items
        .iter()
        .position(|m| m.height.unwrap_or(0) > 800)
        .expect("a demo image taller than the 800 px window");
    open_loupe(&main, tallest);
    let (x, y) = canvas_centre(&main);
    assert!(loupe.get_fit());

    // A single tap does nothing to the zoom.
    tap(&main, (x, y));
    mock_elapsed_time(1000);
    settle(&main);
    assert!(loupe.get_fit(), "one tap keeps fit");

    tap(&main, (x, y));
    tap(&main, (x, y));
    settle(&main);
    assert!(!loupe.get_fit(), "a double tap zooms to 100 %");
    assert!((loupe.get_zoom() - 1.0).abs() < 1e-4, "zoom {}", loupe.get_zoom());

    // Zoomed in, one finger pans instead of swiping to the next image.
    let (pan_x, pan_y) = (loupe.get_pan_x(), loupe.get_pan_y());
    drag(&main, (x, y), (x + 60.0, y + 40.0));
    assert_eq!(loupe.get_position() as usize, tallest, "no navigation while zoomed");
    assert!(
        loupe.get_pan_x() > pan_x || loupe.get_pan_y() > pan_y,
        "the drag panned"
    );

    tap(&main, (x, y));
    tap(&main, (x, y));
    settle(&main);
    assert!(loupe.get_fit(), "a second double tap returns to fit");

    // Two fingers moving apart zoom in around their centre.
    touch(&main, 0, (x - 40.0, y), TouchPhase::Started);
    touch(&main, 1, (x + 40.0, y), TouchPhase::Started);
    for step in 1..=5 {
        let spread = 40.0 + 20.0 * step as f32;
        touch(&main, 0, (x - spread, y), TouchPhase::Moved);
        touch(&main, 1, (x + spread, y), TouchPhase::Moved);
    }
    touch(&main, 0, (x - 140.0, y), TouchPhase::Ended);
    touch(&main, 1, (x + 140.0, y), TouchPhase::Ended);
    settle(&main);
    assert!(!loupe.get_fit(), "pinching leaves fit");
    assert!(loupe.get_zoom() > 0.0, "zoom {}", loupe.get_zoom());
    let fit_zoom = 800.0 / items[tallest].height.unwrap() as f32;
    assert!(
        loupe.get_zoom() > fit_zoom * 2.0,
        "fingers 3.5× further apart zoom well past fit ({} vs fit {fit_zoom})",
        loupe.get_zoom()
    );
    assert_eq!(loupe.get_position() as usize, tallest);
}

#[test]
fn a_double_tap_on_a_thumbnail_opens_it_in_the_loupe() {
    common::init_testing_backend();
    let app = demo(6);
    let (ctx, main) = open(&app);
    let loupe = main.window.global::<LoupeAdapter>();
    let items = in_view(&ctx);
    let cell = ElementHandle::find_by_accessible_label(&main.window, "Image 3")
        .next()
        .expect("the grid shows a third image");
    let (at, size) = (cell.absolute_position(), cell.size());
    let centre = (at.x + size.width / 2.0, at.y + size.height / 2.0);

    tap(&main, centre);
    settle(&main);
    assert!(!loupe.get_open(), "one tap selects");
    assert_eq!(main.library.current_position(), Some(2));
    mock_elapsed_time(1000);

    tap(&main, centre);
    tap(&main, centre);
    settle(&main);
    assert!(loupe.get_open(), "a double tap opens the loupe");
    assert_eq!(loupe.get_position(), 2);
    assert_eq!(loupe.get_file_name(), items[2].file_name.as_str());
}
