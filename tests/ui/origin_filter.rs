//! The filter bar's origin filter, worked like a user: clicked open, an entry chosen with
//! the keyboard, the grid then shows only generated or only imported images (as many as
//! `distillery list --origin` lists), and the choice is kept for the next start.

use crate::common;

use common::processes::distillery;
use common::ui::{click, demo, key, open, settle};
use distillery::ui::LibraryAdapter;
use i_slint_backend_testing::ElementHandle;
use slint::ComponentHandle;
use slint::platform::Key;

fn listed(app: &common::TempApp, origin: &str) -> i32 {
    let output = distillery(app, &["list", "--origin", origin], &[]).output().unwrap();
    String::from_utf8_lossy(&output.stdout).lines().count() as i32
}

#[test]
fn choosing_an_origin_narrows_the_grid_and_is_kept() {
    common::init_testing_backend();
    let app = demo(24);
    let (generated, imported) = (listed(&app, "generated"), listed(&app, "imported"));
    assert!(generated > 0 && imported > 0 && generated + imported == 24);
    {
        let (ctx, main) = open(&app);
        let adapter = main.window.global::<LibraryAdapter>();
        assert_eq!(adapter.get_filtered_count(), 24);
        let combo = ElementHandle::find_by_accessible_label(&main.window, "Origin filter")
            .next()
            .expect("the filter bar has the origin filter");
        // Open it with a click, move down twice (All images → Generated → Imported), choose.
        for (downs, expected, words) in [(2, imported, "Imported"), (1, generated, "Generated")] {
            click(&main, &combo, "the origin filter");
            settle(&main);
            // The popup opens on the current entry; go back to the top first.
            for _ in 0..3 {
                key(&main, Key::UpArrow);
            }
            for _ in 0..downs {
                key(&main, Key::DownArrow);
            }
            key(&main, Key::Return);
            settle(&main);
            assert_eq!(adapter.get_origin_filter(), downs, "{words}");
            assert_eq!(adapter.get_filtered_count(), expected, "{words}");
            assert_eq!(
                adapter.get_count_text().to_string(),
                format!("{expected} of 24 images"),
                "{words}"
            );
        }
        ctx.db.flush_blocking().unwrap();
        drop(main);
        ctx.close();
    }
    // Kept for the next start.
    let (ctx, main) = open(&app);
    let adapter = main.window.global::<LibraryAdapter>();
    assert_eq!(adapter.get_origin_filter(), 1);
    assert_eq!(adapter.get_filtered_count(), generated);
    drop(main);
    ctx.close();
}
