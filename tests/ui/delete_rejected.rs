//! The end of a culling pass: Ctrl+Backspace moves every rejected item of the current view
//! (its rating filter and search included) to the trash after a question naming the count;
//! nothing else is touched, and a view without rejected items says so.

use crate::common;

use common::rows_in_view;
use common::ui::{demo, key, open, settle};
use distillery::db::media;
use distillery::db::media_query::{MediaFilter, MediaSort, StatusFilter};
use distillery::db::types::{CullStatus, Rating};
use distillery::library::trash::TrashPolicy;
use distillery::ui::{LibraryAdapter, MainWindow};
use slint::ComponentHandle;
use slint::platform::Key;

fn ctrl_backspace(main: &MainWindow) {
    common::ui::chord(main, &[Key::Control], Key::Backspace);
}

fn rejected(min_rating: u8) -> MediaFilter {
    MediaFilter {
        min_rating: Rating::new(min_rating).unwrap(),
        status: StatusFilter::Rejected,
        search: None,
        ..Default::default()
    }
}

#[test]
fn delete_rejected_takes_exactly_the_rejected_items_of_the_view() {
    common::init_testing_backend();
    let app = demo(150);
    let (ctx, main) = open(&app);
    main.library.set_trash_policy(TrashPolicy::LibraryOnly);
    let adapter = main.window.global::<LibraryAdapter>();
    let root = ctx.library.path().to_owned();

    // Only what the view shows: rated 3 and up.
    adapter.set_min_rating(3);
    adapter.invoke_view_changed();
    settle(&main);
    let doomed = rows_in_view(&ctx.db, rejected(3), MediaSort::NewestFirst);
    let spared = rows_in_view(&ctx.db, rejected(0), MediaSort::NewestFirst)
        .into_iter()
        .filter(|m| m.rating < Rating::new(3).unwrap())
        .collect::<Vec<_>>();
    assert!(!doomed.is_empty() && !spared.is_empty(), "the demo has both");
    let total = ctx.db.call_blocking(media::count_all).unwrap();

    ctrl_backspace(&main);
    assert!(adapter.get_delete_confirming());
    assert_eq!(
        adapter.get_delete_question(),
        format!("Move the {} rejected images to the trash?", doomed.len())
    );
    // Escape: nothing happens.
    key(&main, Key::Escape);
    settle(&main);
    assert_eq!(ctx.db.call_blocking(media::count_all).unwrap(), total);

    // Cancel, clicked: nothing happens either.
    ctrl_backspace(&main);
    common::ui::press(&main, "Cancel", "the question's Cancel");
    settle(&main);
    assert!(!adapter.get_delete_confirming());
    assert_eq!(ctx.db.call_blocking(media::count_all).unwrap(), total);

    // Move to Trash, clicked once.
    ctrl_backspace(&main);
    common::ui::press(&main, "Move to Trash", "the question's confirm button");
    settle(&main);
    assert_eq!(
        ctx.db.call_blocking(media::count_all).unwrap(),
        total - doomed.len() as i64
    );
    assert!(rows_in_view(&ctx.db, rejected(3), MediaSort::NewestFirst).is_empty());
    assert_eq!(
        rows_in_view(&ctx.db, rejected(0), MediaSort::NewestFirst).len(),
        spared.len(),
        "rejected items outside the view stay"
    );
    for item in &doomed {
        assert!(
            root.join(".trash").join(&item.file_path).exists(),
            "{} is in the trash",
            item.file_path
        );
    }
    for item in &spared {
        assert!(root.join(&item.file_path).exists());
        assert_eq!(item.status, Some(CullStatus::Rejected));
    }

    // A view of selected items holds no rejected ones.
    adapter.set_status_filter(1);
    adapter.invoke_view_changed();
    settle(&main);
    ctrl_backspace(&main);
    assert!(!adapter.get_delete_confirming());
    assert_eq!(adapter.get_notice(), "No rejected images in this view.");
}
