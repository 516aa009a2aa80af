//! The window's rules as services, without Slint: each call against a real library (a demo
//! library made by the `distillery` binary, its SQLite file and its folder), checked in the
//! catalogue and on disk afterwards.

use crate::common;

use common::ui::demo;
use distillery::app::AppContext;
use distillery::library::trash::TrashPolicy;
use distillery::services::Catalog;
use distillery::services::culling::CullChange;
use distillery::services::history::CullEdit;
use distillery::services::model::{CullField, CullStatus, MediaFilter, MediaId, MediaSort, Rating, StatusFilter};
use distillery::services::originals::Unfound;

fn opened(count: u32) -> (common::TempApp, AppContext, Catalog, Vec<MediaId>) {
    let app = demo(count);
    let ctx = AppContext::open(&app.options()).unwrap();
    let catalog = ctx.catalog();
    let view = catalog
        .view(MediaFilter::default(), MediaSort::NewestFirst)
        .wait()
        .unwrap();
    let ids: Vec<MediaId> = view.first_page.iter().map(|item| item.id.clone()).collect();
    // The demo library comes rated and culled; these tests start from a clean slate.
    for change in [CullChange::Rating(Rating::UNRATED), CullChange::Status(None)] {
        catalog.apply_cull(&CullEdit::new(ids.clone(), change)).wait().unwrap();
    }
    (app, ctx, catalog, ids)
}

fn rated(at_least: u8) -> MediaFilter {
    MediaFilter {
        min_rating: Rating::new(at_least).unwrap(),
        ..MediaFilter::default()
    }
}

#[test]
fn a_cull_is_saved_with_what_it_replaced_and_a_refresh_sees_it() {
    let (_app, _ctx, catalog, ids) = opened(12);
    assert_eq!(ids.len(), 12);
    let edit = CullEdit::new(ids[..3].to_vec(), CullChange::Rating(Rating::new(5).unwrap()));
    catalog.apply_cull(&edit).wait().unwrap();
    assert_eq!(edit.states_before().len(), 3, "the states it replaced, for undo");

    let refreshed = catalog
        .refresh(rated(5), MediaSort::NewestFirst, vec![0], Some(ids[1].clone()))
        .wait()
        .unwrap();
    assert_eq!((refreshed.total, refreshed.filtered), (12, 3));
    assert_eq!(refreshed.pages[0].1.len(), 3);
    assert_eq!(
        refreshed.current,
        Some(1),
        "the current item keeps its place among the rated"
    );
    let outside = catalog
        .refresh(rated(5), MediaSort::NewestFirst, vec![0], Some(ids[7].clone()))
        .wait()
        .unwrap();
    assert_eq!(outside.current, None, "an item outside the filter has no place in it");

    // The undo puts back exactly what was there.
    let restored = catalog
        .restore_culls(edit.states_before(), CullField::Rating)
        .wait()
        .unwrap();
    assert_eq!(restored.len(), 3);
    let view = catalog.view(rated(1), MediaSort::NewestFirst).wait().unwrap();
    assert_eq!(view.filtered, 0, "no rating is left after the undo");
}

#[test]
fn delete_the_rejected_finds_only_what_the_view_could_show() {
    let (_app, _ctx, catalog, ids) = opened(10);
    let edit = CullEdit::new(ids[2..5].to_vec(), CullChange::Status(Some(CullStatus::Rejected)));
    catalog.apply_cull(&edit).wait().unwrap();
    let mut rejected = catalog.rejected_in(MediaFilter::default()).unwrap().wait().unwrap();
    rejected.sort_by(|a, b| a.as_str().cmp(b.as_str()));
    let mut expected = ids[2..5].to_vec();
    expected.sort_by(|a, b| a.as_str().cmp(b.as_str()));
    assert_eq!(rejected, expected);
    // Rated 3 or more: none of the rejected is.
    assert!(catalog.rejected_in(rated(3)).unwrap().wait().unwrap().is_empty());
    // A view of the picked shows no rejected images at all.
    let picked = MediaFilter {
        status: StatusFilter::Selected,
        ..MediaFilter::default()
    };
    assert!(catalog.rejected_in(picked).is_none());
}

#[test]
fn moving_to_the_trash_and_back_keeps_files_and_rows() {
    let (app, _ctx, catalog, ids) = opened(6);
    let doomed = ids[..2].to_vec();
    let originals: Vec<_> = doomed.iter().map(|id| catalog.original(id).unwrap().path).collect();
    let report = catalog.move_to_trash(doomed.clone(), TrashPolicy::LibraryOnly).unwrap();
    assert_eq!(report.removed.len(), 2);
    assert!(report.failed.is_empty());
    for (id, path) in doomed.iter().zip(&originals) {
        assert!(!path.exists(), "the original left the library folder");
        assert_eq!(catalog.item(id.clone()).wait().unwrap(), None);
        assert_eq!(catalog.original(id).unwrap_err(), Unfound::Gone);
    }
    assert!(app.library_dir().join(".trash").is_dir());

    let back = catalog.put_back(report.removed).unwrap();
    assert_eq!(back.restored.len(), 2);
    assert!(back.failed.is_empty());
    for (id, path) in doomed.iter().zip(&originals) {
        assert!(path.exists(), "the original is back where it was");
        assert_eq!(catalog.original(id).unwrap().path, *path);
    }
    let view = catalog
        .view(MediaFilter::default(), MediaSort::NewestFirst)
        .wait()
        .unwrap();
    assert_eq!(view.total, 6);
}

#[test]
fn a_missing_original_is_explained_and_never_opened() {
    let (_app, _ctx, catalog, ids) = opened(3);
    let found = catalog.original(&ids[0]).unwrap();
    std::fs::remove_file(&found.path).unwrap();
    let missing = catalog.original(&ids[0]).unwrap_err();
    assert_eq!(missing.file_name(), found.file_name);
    let words = missing.explain();
    assert!(
        words.contains("is missing") && words.contains(&found.stored_at),
        "{words}"
    );
    // Where it belongs is still known, for the desktop's own message.
    assert_eq!(catalog.locate(&ids[0]).unwrap().path, found.path);
    assert_eq!(catalog.original(&MediaId::new()).unwrap_err(), Unfound::Gone);
}

#[test]
fn saved_preferences_come_back_at_the_next_start() {
    let (app, ctx, catalog, ids) = opened(2);
    catalog.save_auto_advance(true).send("saving auto-advance");
    catalog
        .save_current_item(Some(ids[1].as_str().to_owned()))
        .send("saving the place");
    catalog.save_loupe_open(true).wait().unwrap();
    drop((catalog, ctx));
    let again = AppContext::open(&app.options()).unwrap();
    let state = again.load_startup_view().unwrap().ui_state;
    assert!(state.auto_advance && state.loupe_open);
    assert_eq!(state.current_item.as_deref(), Some(ids[1].as_str()));
}
