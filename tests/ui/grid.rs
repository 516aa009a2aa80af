//! The library grid in Slint's testing backend over a real demo library: culling by keyboard
//! reaches the database, every filter × sort shows exactly the rows SQL returns, and the
//! count label matches.

use crate::common;

use common::ui::{demo, key, open, settle};
use distillery::app::AppContext;
use distillery::db::media::{self, NewMedia};
use distillery::db::media_query::{MediaFilter, MediaSort, StatusFilter};
use distillery::db::types::{CullStatus, MediaId, Rating, Timestamp};
use distillery::library::trash::TrashPolicy;
use distillery::ui::{CullMark, LibraryAdapter, MainWindow};
use i_slint_backend_testing::ElementHandle;
use slint::platform::Key;
use slint::{ComponentHandle, Model};

fn page(ctx: &AppContext, filter: MediaFilter, sort: MediaSort) -> Vec<distillery::db::media::Media> {
    common::rows_in_view(&ctx.db, filter, sort)
}

#[test]
fn culling_by_keyboard_is_shown_at_once_and_saved() {
    common::init_testing_backend();
    let app = demo(300);
    let (ctx, main) = open(&app);
    let adapter = main.window.global::<LibraryAdapter>();
    let before = page(&ctx, MediaFilter::default(), MediaSort::NewestFirst);

    adapter.invoke_cell_pressed(0, false, false);
    key(&main, "3");
    key(&main, "p");
    key(&main, Key::RightArrow);
    key(&main, "x");
    // Shift-click extends from the anchor (item 1) to item 4; 5 rates all four.
    adapter.invoke_cell_pressed(4, false, true);
    key(&main, "5");
    settle(&main);

    let rows = adapter.get_rows();
    let cells: Vec<_> = (0..3)
        .filter_map(|r| rows.row_data(r))
        .flat_map(|row| row.cells.iter().collect::<Vec<_>>())
        .collect();
    assert!(cells.len() >= 5);
    assert_eq!(
        (cells[0].rating, cells[0].status),
        (3, CullMark::Selected),
        "shown at once"
    );
    assert_eq!((cells[1].rating, cells[1].status), (5, CullMark::Rejected));
    assert!(cells[1].selected && cells[4].selected && !cells[0].selected);

    ctx.db.flush_blocking().unwrap();
    let after = page(&ctx, MediaFilter::default(), MediaSort::NewestFirst);
    assert_eq!(
        (after[0].rating, after[0].status),
        (Rating::new(3).unwrap(), Some(CullStatus::Selected))
    );
    assert_eq!(after[1].status, Some(CullStatus::Rejected));
    for item in &after[1..=4] {
        assert_eq!(item.rating, Rating::new(5).unwrap(), "saved for every selected item");
    }
    assert_eq!(after[5].rating, before[5].rating, "others untouched");

    key(&main, "0");
    key(&main, "u");
    ctx.db.flush_blocking().unwrap();
    let cleared = page(&ctx, MediaFilter::default(), MediaSort::NewestFirst);
    assert!(
        cleared[1..=4]
            .iter()
            .all(|m| m.rating == Rating::UNRATED && m.status.is_none())
    );
}

#[test]
fn every_filter_and_sort_shows_exactly_the_rows_sql_returns() {
    common::init_testing_backend();
    let app = demo(600);
    let (ctx, main) = open(&app);
    let adapter = main.window.global::<LibraryAdapter>();
    let total = 600;
    for (min_rating, status) in [(0, 0), (3, 0), (0, 1), (0, 2), (0, 3), (2, 1), (5, 3)] {
        for sort in 0..4 {
            adapter.set_min_rating(min_rating);
            adapter.set_status_filter(status);
            adapter.set_sort(sort);
            adapter.invoke_view_changed();
            settle(&main);

            let filter = MediaFilter {
                min_rating: Rating::new(min_rating as u8).unwrap(),
                status: [
                    StatusFilter::All,
                    StatusFilter::Selected,
                    StatusFilter::Rejected,
                    StatusFilter::Unmarked,
                ][status as usize],
                search: None,
                ..Default::default()
            };
            let order = [
                MediaSort::NewestFirst,
                MediaSort::OldestFirst,
                MediaSort::HighestRated,
                MediaSort::LowestRated,
            ][sort as usize];
            let expected = page(&ctx, filter.clone(), order);
            assert_eq!(
                adapter.get_filtered_count() as usize,
                expected.len(),
                "{filter:?} {order:?}"
            );
            let columns = adapter.get_columns().max(1) as usize;
            let rows = adapter.get_rows();
            assert_eq!(rows.row_count(), expected.len().div_ceil(columns));
            let cache = main.library.model.cache.borrow();
            for (index, item) in expected.iter().enumerate().take(200) {
                assert_eq!(
                    cache.peek(index).map(|m| &m.id),
                    Some(&item.id),
                    "{filter:?} {order:?} at {index}"
                );
            }
            drop(cache);

            let label = if expected.len() == total {
                format!("{total} images")
            } else {
                format!("{} of {total} images", expected.len())
            };
            let found = ElementHandle::find_by_accessible_label(&main.window, &label)
                .next()
                .is_some();
            let empty = expected.is_empty()
                && ElementHandle::find_by_accessible_label(&main.window, "Nothing matches these filters")
                    .next()
                    .is_some();
            assert!(found || empty, "count label {label:?} for {filter:?}");
        }
    }
}

/// Adds a copy of `like` as a new item created now (what a finished generation does).
fn add_item_like(ctx: &AppContext, like: &distillery::db::media::Media) -> MediaId {
    let id = MediaId::new();
    let new = NewMedia {
        file_path: format!("originals/{}.png", id.as_str()),
        id,
        thumb_path: like.thumb_path.clone(),
        file_name: "fresh.png".into(),
        media_type: like.media_type,
        origin: like.origin,
        width: like.width,
        height: like.height,
        file_size: like.file_size,
        generation_id: None,
        created_at: Timestamp::now(),
        content_hash: None,
    };
    ctx.db.call_blocking(move |c| media::insert(c, &new)).unwrap().id
}

fn visible_labels(main: &MainWindow) -> usize {
    ElementHandle::find_by_element_type_name(&main.window, "MediaCard").count()
}

#[test]
fn a_new_image_appears_at_the_top_keeping_selection_and_scroll() {
    common::init_testing_backend();
    let app = demo(400);
    let (ctx, main) = open(&app);
    let adapter = main.window.global::<LibraryAdapter>();
    let columns = adapter.get_columns();
    assert!(visible_labels(&main) > 0);

    // At the top: select item 2, a new image arrives, it is first and item 2 stays selected.
    adapter.invoke_cell_pressed(2, false, false);
    let chosen = main.library.selection();
    let like = page(&ctx, MediaFilter::default(), MediaSort::NewestFirst)[0].clone();
    let fresh = add_item_like(&ctx, &like);
    main.library.refresh();
    settle(&main);
    assert_eq!(adapter.get_total_count(), 401);
    assert_eq!(adapter.get_count_text(), "401 images");
    assert_eq!(
        main.library.model.cache.borrow().peek(0).map(|m| m.id.clone()),
        Some(fresh)
    );
    assert_eq!(main.library.selection(), chosen, "the selection is kept");
    assert_eq!(
        main.library.model.selected.borrow().iter().copied().collect::<Vec<_>>(),
        [3]
    );
    // The keyboard carries on from the selected item, now at 3.
    key(&main, Key::RightArrow);
    assert_eq!(
        main.library.model.selected.borrow().iter().copied().collect::<Vec<_>>(),
        [4]
    );

    // Scrolled far down: the selected item stays on screen after two more arrive.
    for _ in 0..12 {
        key(&main, Key::DownArrow);
    }
    settle(&main);
    let selected_before = main.library.selection();
    let position_before = *main.library.model.selected.borrow().iter().next().unwrap();
    assert_eq!(position_before, 4 + 12 * columns as usize);
    add_item_like(&ctx, &like);
    add_item_like(&ctx, &like);
    main.library.refresh();
    settle(&main);
    assert_eq!(main.library.selection(), selected_before);
    let position_after = *main.library.model.selected.borrow().iter().next().unwrap();
    assert_eq!(position_after, position_before + 2);
    let shown = ElementHandle::find_by_element_type_name(&main.window, "MediaCard")
        .any(|card| card.accessible_item_selected() == Some(true));
    assert!(
        shown,
        "the view did not jump back to the top: the selected card is still on screen"
    );
}

#[test]
fn an_item_rated_out_of_the_filter_leaves_on_the_next_query_and_selection_moves_on() {
    common::init_testing_backend();
    let app = demo(300);
    let (ctx, main) = open(&app);
    let adapter = main.window.global::<LibraryAdapter>();
    adapter.set_status_filter(1);
    adapter.invoke_view_changed();
    settle(&main);
    let picked = adapter.get_filtered_count();
    assert!(picked > 3);
    adapter.invoke_cell_pressed(1, false, false);
    let second = main.library.model.cache.borrow().peek(2).unwrap().id.clone();
    key(&main, "u");
    // Still shown until the next query.
    assert_eq!(adapter.get_filtered_count(), picked);
    ctx.db.flush_blocking().unwrap();
    main.library.refresh();
    settle(&main);
    assert_eq!(adapter.get_filtered_count(), picked - 1);
    assert_eq!(main.library.selection(), [second], "the next item takes its place");
}

#[test]
fn filter_sort_and_size_survive_a_restart() {
    common::init_testing_backend();
    let app = demo(50);
    {
        let (ctx, main) = open(&app);
        let adapter = main.window.global::<LibraryAdapter>();
        adapter.set_min_rating(2);
        adapter.set_status_filter(3);
        adapter.set_sort(2);
        adapter.invoke_view_changed();
        adapter.set_thumbnail_size(240.0);
        adapter.invoke_thumbnail_size_chosen();
        ctx.db.flush_blocking().unwrap();
    }
    let (ctx, main) = open(&app);
    let adapter = main.window.global::<LibraryAdapter>();
    assert_eq!(
        (
            adapter.get_min_rating(),
            adapter.get_status_filter(),
            adapter.get_sort()
        ),
        (2, 3, 2)
    );
    assert_eq!(adapter.get_thumbnail_size(), 240.0);
    let filter = MediaFilter {
        min_rating: Rating::new(2).unwrap(),
        status: StatusFilter::Unmarked,
        search: None,
        ..Default::default()
    };
    let expected = page(&ctx, filter, MediaSort::HighestRated);
    assert_eq!(adapter.get_filtered_count() as usize, expected.len());
    assert_eq!(
        main.library.model.cache.borrow().peek(0).map(|m| m.id.clone()),
        expected.first().map(|m| m.id.clone())
    );
}

fn find_label(main: &MainWindow, label: &str) -> bool {
    ElementHandle::find_by_accessible_label(&main.window, label)
        .next()
        .is_some()
}

#[test]
fn delete_asks_first_then_moves_files_to_the_trash_and_removes_rows() {
    common::init_testing_backend();
    let app = demo(120);
    let (ctx, main) = open(&app);
    main.library.set_trash_policy(TrashPolicy::LibraryOnly);
    let adapter = main.window.global::<LibraryAdapter>();
    let before = page(&ctx, MediaFilter::default(), MediaSort::NewestFirst);
    let root = ctx.library.path().to_owned();

    // Escape cancels: nothing changes.
    adapter.invoke_cell_pressed(1, false, false);
    adapter.invoke_cell_pressed(3, false, true);
    key(&main, Key::Delete);
    assert!(adapter.get_delete_confirming());
    assert!(find_label(&main, "Move 3 images to the trash?"), "the dialog asks");
    key(&main, "3");
    assert_eq!(
        main.library.model.cache.borrow().peek(1).unwrap().rating,
        before[1].rating,
        "keys go to the dialog"
    );
    key(&main, Key::Escape);
    assert!(!adapter.get_delete_confirming());
    assert_eq!(ctx.db.call_blocking(media::count_all).unwrap(), 120);

    // Enter confirms.
    key(&main, Key::Delete);
    key(&main, Key::Return);
    settle(&main);
    assert!(!adapter.get_delete_confirming());
    assert_eq!(ctx.db.call_blocking(media::count_all).unwrap(), 117);
    assert_eq!(adapter.get_count_text(), "117 images");
    for item in &before[1..=3] {
        assert!(
            !root.join(&item.file_path).exists(),
            "{} left the library",
            item.file_path
        );
        assert!(
            root.join(".trash").join(&item.file_path).exists(),
            "{} is in the trash",
            item.file_path
        );
    }
    assert!(root.join(&before[0].file_path).exists() && root.join(&before[4].file_path).exists());
    assert_eq!(
        main.library.selection(),
        [before[4].id.clone()],
        "the next item is current"
    );
    assert_eq!(
        adapter.get_notice(),
        "Moved 3 images to the trash. (3 into the library's .trash folder.) Ctrl+Z puts them back."
    );
    assert!(find_label(
        &main,
        "Moved 3 images to the trash. (3 into the library's .trash folder.) Ctrl+Z puts them back."
    ));
}

#[test]
fn delete_with_the_desktop_trash_leaves_nothing_in_the_library() {
    common::init_testing_backend();
    let app = demo(20);
    let (ctx, main) = open(&app);
    let adapter = main.window.global::<LibraryAdapter>();
    let before = page(&ctx, MediaFilter::default(), MediaSort::NewestFirst);
    let root = ctx.library.path().to_owned();
    adapter.invoke_context_requested(0);
    assert_eq!(main.library.selection(), [before[0].id.clone()], "right-click selects");
    adapter.invoke_delete_requested();
    assert!(find_label(
        &main,
        &format!("Move “{}” to the trash?", before[0].file_name)
    ));
    adapter.invoke_delete_confirmed();
    settle(&main);
    assert_eq!(ctx.db.call_blocking(media::count_all).unwrap(), 19);
    assert!(!root.join(&before[0].file_path).exists());
    assert!(adapter.get_notice().starts_with("Moved 1 image to the trash."));
}

/// Filter and search changed in quick succession, with the library changing underneath
/// (ratings written by another connection, refreshes between the changes): after each step
/// the count label, the counts and the rows shown all describe the same view.
#[test]
fn the_count_and_the_rows_agree_through_rapid_filter_and_search_changes() {
    common::init_testing_backend();
    let app = demo(120);
    let (ctx, main) = open(&app);
    let adapter = main.window.global::<LibraryAdapter>();
    let other = app.database();
    let ids: Vec<MediaId> = page(&ctx, MediaFilter::default(), MediaSort::NewestFirst)
        .into_iter()
        .map(|m| m.id)
        .collect();
    let steps: [(i32, &str); 8] = [
        (0, "lighthouse"),
        (0, ""),
        (5, ""),
        (5, "harbour"),
        (3, "a"),
        (0, "zzzz-nothing"),
        (1, ""),
        (0, ""),
    ];
    for (round, (stars, search)) in steps.iter().enumerate() {
        // Another process rates a few images in and out of the filters meanwhile.
        let batch: Vec<MediaId> = ids.iter().skip(round * 7).take(7).cloned().collect();
        let rating = Rating::new((round % 6) as u8).unwrap();
        other
            .call_blocking(move |c| media::set_rating(c, &batch, rating))
            .unwrap();
        adapter.set_min_rating(*stars);
        adapter.invoke_view_changed();
        main.library.refresh();
        adapter.set_search_text((*search).into());
        adapter.invoke_view_changed();
        main.library.refresh();
        settle(&main);

        let filter = MediaFilter {
            min_rating: Rating::new(*stars as u8).unwrap(),
            status: StatusFilter::All,
            search: distillery::db::media_query::SearchText::parse(search),
            ..Default::default()
        };
        let expected = page(&ctx, filter, MediaSort::NewestFirst).len();
        assert_eq!(
            adapter.get_filtered_count() as usize,
            expected,
            "step {round}: {stars}★ {search:?}"
        );
        assert_eq!(adapter.get_total_count(), 120);
        let text = adapter.get_count_text();
        let words = if expected == 120 {
            "120 images".to_owned()
        } else {
            format!("{expected} of 120 images")
        };
        assert_eq!(text.as_str(), words, "step {round}");
        let columns = adapter.get_columns().max(1) as usize;
        assert_eq!(
            adapter.get_rows().row_count(),
            expected.div_ceil(columns),
            "step {round}: the grid's rows are the counted view's"
        );
    }
}
