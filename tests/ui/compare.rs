//! Compare mode through the testing backend: C opens the selection side by side; with two
//! images the arrows step the candidate through the view and ↑ makes it the best (anchored
//! compare); culling keys act on the focused pane; K keeps the focused image and rejects the
//! others; zoom and pan are shared; Escape gives the images back to the grid.

use crate::common;

use common::ui::{demo, key, open, settle};
use distillery::db::media;
use distillery::db::types::{CullStatus, MediaId, Rating};
use distillery::ui::{CompareAdapter, CullMark, LibraryAdapter, MainWindow};
use i_slint_backend_testing::ElementHandle;
use slint::platform::{Key, PointerEventButton, WindowEvent};
use slint::{ComponentHandle, LogicalPosition, Model};

fn click(main: &MainWindow, index: i32, ctrl: bool, shift: bool) {
    main.window
        .global::<LibraryAdapter>()
        .invoke_cell_pressed(index, ctrl, shift);
    settle(main);
}

fn press(main: &MainWindow, k: impl Into<slint::SharedString>) {
    key(main, k);
    settle(main);
}

fn with_ctrl(main: &MainWindow, k: &str) {
    common::ui::chord(main, &[Key::Control], k);
}

fn roles_and_names(main: &MainWindow) -> Vec<(String, String)> {
    main.window
        .global::<CompareAdapter>()
        .get_panes()
        .iter()
        .map(|p| (p.role.to_string(), p.file_name.to_string()))
        .collect()
}

fn item(main: &MainWindow, position: usize) -> distillery::db::media_query::ViewItem {
    main.library.item_at(position).expect("loaded")
}

fn stored(ctx: &distillery::app::AppContext, id: &MediaId) -> media::Media {
    let id = id.clone();
    ctx.db.call_blocking(move |c| media::get(c, &id)).unwrap().unwrap()
}

fn name(ctx: &distillery::app::AppContext, position_item: &distillery::db::media_query::ViewItem) -> String {
    stored(ctx, &position_item.id).file_name
}

/// The centre of the pane labelled `label` (its accessible label starts with it).
fn pane_centre(main: &MainWindow, label: &str) -> LogicalPosition {
    use i_slint_backend_testing::ElementRoot;
    let label = label.to_owned();
    let pane = main
        .window
        .root_element()
        .query_descendants()
        .match_predicate(move |e| e.accessible_label().is_some_and(|l| l.starts_with(label.as_str())))
        .find_first()
        .expect("a pane with that label");
    let (at, size) = (pane.absolute_position(), pane.size());
    LogicalPosition::new(at.x + size.width / 2.0, at.y + size.height / 2.0)
}

#[test]
fn anchored_compare_steps_promotes_and_keeps() {
    common::init_testing_backend();
    let app = demo(12);
    let (ctx, main) = open(&app);
    let compare = main.window.global::<CompareAdapter>();
    let (first, fourth) = (item(&main, 0), item(&main, 3));

    click(&main, 0, false, false);
    click(&main, 3, true, false);
    press(&main, "c");
    assert!(compare.get_open(), "C opens compare");
    assert!(compare.get_anchored());
    assert_eq!(
        roles_and_names(&main),
        [
            ("Best so far".to_owned(), name(&ctx, &first)),
            ("Candidate".to_owned(), name(&ctx, &fourth)),
        ]
    );
    assert_eq!(compare.get_focused(), 1, "the candidate takes the keys");
    assert!(compare.get_panes().iter().all(|p| p.has_image), "both decoded");
    assert!(
        main.compare.decoded_images() <= 3,
        "the panes and the next candidate only"
    );
    ElementHandle::find_by_accessible_label(&main.window, "Compare")
        .next()
        .expect("the compare view is shown");

    // A culling key acts on the focused pane only.
    press(&main, "4");
    ctx.db.flush_blocking().unwrap();
    assert_eq!(stored(&ctx, &fourth.id).rating, Rating::new(4).unwrap());
    assert_eq!(stored(&ctx, &first.id).rating, first.rating);
    assert_eq!(compare.get_panes().row_data(1).unwrap().rating, 4);

    // → steps the candidate on, ← back; the best stays and is stepped over.
    press(&main, Key::RightArrow);
    assert_eq!(roles_and_names(&main)[1].1, name(&ctx, &item(&main, 4)));
    assert_eq!(compare.get_candidate_position(), 4);
    for _ in 0..3 {
        press(&main, Key::LeftArrow);
    }
    assert_eq!(compare.get_candidate_position(), 1);
    press(&main, Key::LeftArrow);
    assert_eq!(
        compare.get_candidate_position(),
        1,
        "position 0 is the best: nothing before it"
    );
    assert_eq!(
        main.window.global::<LibraryAdapter>().get_notice(),
        "This is the first image of the view."
    );
    assert_eq!(roles_and_names(&main)[0].1, name(&ctx, &first), "the best stays");

    // ↑ makes the candidate the best; the next image becomes the candidate.
    let second = item(&main, 1);
    press(&main, Key::UpArrow);
    assert_eq!(roles_and_names(&main)[0].1, name(&ctx, &second));
    assert_eq!(compare.get_candidate_position(), 2);

    // K on the candidate: picked, and the best rejected; one undo takes both back.
    let third = item(&main, 2);
    press(&main, "k");
    ctx.db.flush_blocking().unwrap();
    assert_eq!(stored(&ctx, &third.id).status, Some(CullStatus::Selected));
    assert_eq!(stored(&ctx, &second.id).status, Some(CullStatus::Rejected));
    let panes = compare.get_panes();
    assert_eq!(
        (panes.row_data(0).unwrap().status, panes.row_data(1).unwrap().status),
        (CullMark::Rejected, CullMark::Selected)
    );
    with_ctrl(&main, "z");
    assert_eq!(
        main.window.global::<LibraryAdapter>().get_notice(),
        "Undone: rejecting 1 image and picking 1 image."
    );
    assert_eq!(
        main.library.current_id(),
        Some(third.id.clone()),
        "the keys stay on the focused pane"
    );
    ctx.db.flush_blocking().unwrap();
    assert_eq!(stored(&ctx, &third.id).status, third.status);
    assert_eq!(stored(&ctx, &second.id).status, second.status);
    // One redo does both again.
    with_ctrl(&main, "y");
    ctx.db.flush_blocking().unwrap();
    assert_eq!(stored(&ctx, &third.id).status, Some(CullStatus::Selected));
    assert_eq!(stored(&ctx, &second.id).status, Some(CullStatus::Rejected));
    with_ctrl(&main, "z");
    ctx.db.flush_blocking().unwrap();
    assert_eq!(stored(&ctx, &second.id).status, second.status);

    // Escape: back to the grid with the compared images selected.
    press(&main, Key::Escape);
    assert!(!compare.get_open());
    let mut selected = main.library.selection();
    selected.sort();
    let mut expected = vec![second.id.clone(), third.id.clone()];
    expected.sort();
    assert_eq!(selected, expected);
    assert_eq!(main.compare.decoded_images(), 0, "the decoded images go");
}

#[test]
fn a_survey_of_four_shares_zoom_and_pan_and_moves_focus() {
    common::init_testing_backend();
    let app = demo(12);
    let (ctx, main) = open(&app);
    let compare = main.window.global::<CompareAdapter>();

    click(&main, 0, false, false);
    click(&main, 3, false, true);
    press(&main, "c");
    assert!(compare.get_open());
    assert!(!compare.get_anchored());
    assert_eq!(compare.get_panes().row_count(), 4);
    assert!(roles_and_names(&main).iter().all(|(role, _)| role.is_empty()));
    assert_eq!(compare.get_focused(), 0);

    // Tab and → move the focus; the culling key lands on the focused image.
    press(&main, Key::Tab);
    assert_eq!(compare.get_focused(), 1);
    press(&main, Key::RightArrow);
    assert_eq!(compare.get_focused(), 2);
    let third = item(&main, 2);
    press(&main, "x");
    ctx.db.flush_blocking().unwrap();
    assert_eq!(stored(&ctx, &third.id).status, Some(CullStatus::Rejected));

    // The wheel over one pane zooms all of them; a drag pans all of them.
    let centre = pane_centre(&main, &name(&ctx, &item(&main, 0)));
    main.window.window().dispatch_event(WindowEvent::PointerScrolled {
        position: centre,
        delta_x: 0.0,
        delta_y: 120.0,
    });
    settle(&main);
    assert!((compare.get_zoom() - 1.25).abs() < 1e-4, "zoom {}", compare.get_zoom());
    main.window.window().dispatch_event(WindowEvent::PointerScrolled {
        position: centre,
        delta_x: 0.0,
        delta_y: 120.0,
    });
    let window = main.window.window();
    window.dispatch_event(WindowEvent::PointerPressed {
        position: centre,
        button: PointerEventButton::Left,
    });
    for step in 1..=10 {
        window.dispatch_event(WindowEvent::PointerMoved {
            position: LogicalPosition::new(centre.x - 4.0 * step as f32, centre.y),
        });
    }
    window.dispatch_event(WindowEvent::PointerReleased {
        position: LogicalPosition::new(centre.x - 40.0, centre.y),
        button: PointerEventButton::Left,
    });
    settle(&main);
    assert!(compare.get_pan_x() < 0.0, "panned left: {}", compare.get_pan_x());
    assert_eq!(compare.get_focused(), 0, "pressing a pane focuses it");

    press(&main, Key::Escape);
    assert!(!compare.get_open());
    assert_eq!(main.library.selection().len(), 4);
}

#[test]
fn compare_needs_two_images_or_takes_the_next_one() {
    common::init_testing_backend();
    let app = demo(3);
    let (ctx, main) = open(&app);
    let compare = main.window.global::<CompareAdapter>();
    // One image: compared with the next one.
    click(&main, 2, false, false);
    press(&main, "c");
    assert!(compare.get_open());
    assert_eq!(
        roles_and_names(&main),
        [
            ("Best so far".to_owned(), name(&ctx, &item(&main, 2))),
            ("Candidate".to_owned(), name(&ctx, &item(&main, 1))),
        ],
        "the last image is compared with the one before it"
    );
    press(&main, Key::Escape);

    let lonely = demo(1);
    drop(main);
    let (_ctx, main) = open(&lonely);
    click(&main, 0, false, false);
    press(&main, "c");
    assert!(!main.window.global::<CompareAdapter>().get_open());
    assert_eq!(
        main.window.global::<LibraryAdapter>().get_notice(),
        "Compare needs at least two images in the view."
    );
}
