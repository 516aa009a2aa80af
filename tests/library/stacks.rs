//! Batches as stacks: the images of one submit share a stack (filled by triggers whichever
//! row comes first); a collapsed stack shows as its first image in every filter and sort,
//! with counts and positions to match; in the grid the badge and S collapse and expand a
//! stack in place, culling keys keep working, and the loupe opens a collapsed stack to walk
//! inside it.

use crate::common;

use common::TempApp;
use common::ui::{demo, key, open, settle};
use distillery::app::AppContext;
use distillery::db::generations::{self, NewGeneration};
use distillery::db::media::{self, NewMedia};
use distillery::db::media_query::{self, MediaFilter, MediaSort, SearchText, StatusFilter};
use distillery::db::stacks;
use distillery::db::types::{GenerationId, GenerationStatus, MediaId, MediaType, Origin, Rating, Timestamp};
use distillery::ui::{LibraryAdapter, LoupeAdapter};
use i_slint_backend_testing::ElementHandle;
use slint::ComponentHandle;

fn generation(batch: &str) -> NewGeneration {
    NewGeneration {
        id: GenerationId::new(),
        base_model_id: None,
        provider: "local".into(),
        model_file: None,
        prompt: Some("a kite over dunes".into()),
        width: Some(64),
        height: Some(64),
        seed: Some(1),
        steps: Some(4),
        guidance: Some(3.5),
        sampling_method: Some("euler".into()),
        params_json: Some(format!(
            r#"{{"resolution":512,"aspect":"1:1","references":[],"batch":"{batch}","batch_index":0}}"#
        )),
        status: GenerationStatus::Completed,
        created_at: Timestamp::now().as_str().to_owned(),
    }
}

fn item(generation: &GenerationId) -> NewMedia {
    let id = MediaId::new();
    NewMedia {
        file_path: format!("originals/2026/12/{id}.png"),
        thumb_path: None,
        file_name: format!("{id}.png"),
        id,
        media_type: MediaType::Image,
        origin: Origin::Generation,
        width: Some(64),
        height: Some(64),
        file_size: Some(10),
        generation_id: Some(generation.clone()),
        created_at: Timestamp::now(),
        content_hash: None,
    }
}

fn stack_id(ctx: &AppContext, id: &MediaId) -> Option<String> {
    rusqlite::Connection::open(ctx.db.path())
        .unwrap()
        .query_row("SELECT stack_id FROM media WHERE id = ?1", [id.as_str()], |row| {
            row.get(0)
        })
        .unwrap()
}

#[test]
fn new_images_join_their_batch_whichever_row_comes_first() {
    let app = TempApp::new();
    let ctx = AppContext::open(&app.options()).unwrap();
    // The generation first (the queue), then two images.
    let first = generation("batch-a");
    let a1 = item(&first.id);
    let second = generation("batch-a");
    let a2 = item(&second.id);
    let (g1, g2, m1, m2) = (first.clone(), second.clone(), a1.clone(), a2.clone());
    ctx.db
        .call_blocking(move |c| {
            generations::insert(c, &g1)?;
            media::insert(c, &m1)?;
            generations::insert(c, &g2)?;
            media::insert(c, &m2)
        })
        .unwrap();
    // The image first (an import writes its row, then its generation's).
    let lonely = generation("batch-b");
    let b1 = item(&lonely.id);
    let (g, m) = (lonely.clone(), b1.clone());
    ctx.db
        .call_blocking(move |c| {
            c.immediate_transaction(|c| {
                diesel::sql_query("PRAGMA defer_foreign_keys = ON").execute(c)?;
                media::insert(c, &m).map_err(|_| diesel::result::Error::RollbackTransaction)?;
                generations::insert(c, &g).map_err(|_| diesel::result::Error::RollbackTransaction)?;
                Ok::<_, diesel::result::Error>(())
            })?;
            Ok(())
        })
        .unwrap();
    use diesel::RunQueryDsl;
    assert_eq!(stack_id(&ctx, &a1.id).as_deref(), Some("batch-a"));
    assert_eq!(stack_id(&ctx, &a2.id).as_deref(), Some("batch-a"));
    assert_eq!(stack_id(&ctx, &b1.id).as_deref(), Some("batch-b"));
    let ids = vec![a1.id.clone(), a2.id.clone(), b1.id.clone()];
    let found = ctx.db.call_blocking(move |c| stacks::of_items(c, &ids)).unwrap();
    assert_eq!(found.len(), 2, "a batch of one is no stack: {found:?}");
    assert!(found.iter().all(|(_, s)| s.size == 2 && !s.collapsed));
}

/// Puts the items at `positions` (newest first) into one stack, as one submit's images.
fn make_stack(ctx: &AppContext, ids: &[MediaId], name: &str) {
    let conn = rusqlite::Connection::open(ctx.db.path()).unwrap();
    for id in ids {
        conn.execute("UPDATE media SET stack_id = ?1 WHERE id = ?2", [name, id.as_str()])
            .unwrap();
    }
}

fn all_ids(ctx: &AppContext, filter: &MediaFilter, sort: MediaSort) -> Vec<MediaId> {
    let filter = filter.clone();
    ctx.db
        .call_blocking(move |c| media_query::page(c, &filter, sort, None, 10_000))
        .unwrap()
        .into_iter()
        .map(|item| item.id)
        .collect()
}

#[test]
fn a_collapsed_stack_is_its_first_image_in_every_view() {
    let app = demo(60);
    let ctx = AppContext::open(&app.options()).unwrap();
    let newest = all_ids(&ctx, &MediaFilter::default(), MediaSort::NewestFirst);
    // Four images of the view, the oldest of them first in the stack.
    let members: Vec<MediaId> = [3, 9, 20, 41].iter().map(|&i| newest[i].clone()).collect();
    make_stack(&ctx, &members, "s1");
    let first = members[3].clone();
    let hidden: Vec<MediaId> = members[..3].to_vec();

    let mut filters = Vec::new();
    for min in [0u8, 2, 5] {
        for status in StatusFilter::ALL {
            for search in [None, SearchText::parse("a")] {
                filters.push(MediaFilter {
                    min_rating: Rating::new(min).unwrap(),
                    status,
                    search,
                    ..Default::default()
                });
            }
        }
    }
    let before: Vec<Vec<MediaId>> = filters
        .iter()
        .flat_map(|f| MediaSort::ALL.map(|s| all_ids(&ctx, f, s)))
        .collect();

    ctx.db.call_blocking(|c| stacks::set_collapsed(c, "s1", true)).unwrap();
    // The hidden rows are found from the collapsed stacks, not by walking every stacked image.
    let plan: Vec<String> = {
        let conn = rusqlite::Connection::open(ctx.db.path()).unwrap();
        let mut statement = conn
            .prepare("EXPLAIN QUERY PLAN SELECT rowid FROM stack_hidden")
            .unwrap();
        statement
            .query_map([], |row| row.get::<_, String>(3))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    };
    assert!(plan[0].starts_with("SCAN c"), "{plan:?}");
    let mut n = 0;
    for filter in &filters {
        for sort in MediaSort::ALL {
            let shown = all_ids(&ctx, filter, sort);
            let expected: Vec<MediaId> = before[n].iter().filter(|id| !hidden.contains(id)).cloned().collect();
            n += 1;
            assert_eq!(shown, expected, "{filter:?} {sort:?}");
            let f = filter.clone();
            let counted = ctx.db.call_blocking(move |c| media_query::count(c, &f)).unwrap();
            assert_eq!(counted as usize, shown.len(), "count of {filter:?}");
            for id in &hidden {
                let (f, id) = (filter.clone(), id.clone());
                let at = ctx
                    .db
                    .call_blocking(move |c| media_query::position(c, &f, sort, &id))
                    .unwrap();
                assert_eq!(at, None, "a hidden image has no position");
            }
            if let Some(at) = shown.iter().position(|id| *id == first) {
                let (f, id) = (filter.clone(), first.clone());
                let position = ctx
                    .db
                    .call_blocking(move |c| media_query::position(c, &f, sort, &id))
                    .unwrap();
                assert_eq!(
                    position,
                    Some(at as u64),
                    "the first image's position in {filter:?} {sort:?}"
                );
            }
        }
    }
    // Collapsed, the first image stands for the stack; expanded, all are back.
    let ids = members.clone();
    let info = ctx.db.call_blocking(move |c| stacks::of_items(c, &ids)).unwrap();
    assert!(info.iter().all(|(_, s)| s.size == 4 && s.collapsed));
    assert_eq!(
        ctx.db.call_blocking(|c| stacks::set_all_collapsed(c, false)).unwrap(),
        0
    );
    assert_eq!(all_ids(&ctx, &MediaFilter::default(), MediaSort::NewestFirst), newest);
    assert_eq!(ctx.db.call_blocking(|c| stacks::set_all_collapsed(c, true)).unwrap(), 1);
    assert_eq!(all_ids(&ctx, &MediaFilter::default(), MediaSort::NewestFirst).len(), 57);
}

fn badge(main: &distillery::ui::MainWindow, label: &str) -> Option<ElementHandle> {
    ElementHandle::find_by_accessible_label(&main.window, label).next()
}

#[test]
fn stacks_collapse_and_expand_in_the_grid_and_open_in_the_loupe() {
    common::init_testing_backend();
    let app = demo(20);
    let (ctx, main) = open(&app);
    let adapter = main.window.global::<LibraryAdapter>();
    let newest = all_ids(&ctx, &MediaFilter::default(), MediaSort::NewestFirst);
    let members: Vec<MediaId> = newest[2..6].to_vec();
    make_stack(&ctx, &members, "s1");
    let ratings_before: Vec<Rating> = members
        .iter()
        .map(|id| {
            let id = id.clone();
            ctx.db
                .call_blocking(move |c| media::get(c, &id))
                .unwrap()
                .unwrap()
                .rating
        })
        .collect();
    main.library.refresh();
    settle(&main);
    assert_eq!(adapter.get_count_text(), "20 images");
    assert!(
        badge(&main, "Collapse stack of 4").is_some(),
        "each image of the stack is badged"
    );

    // S on one of them collapses the stack into its first image (the oldest, position 5).
    adapter.invoke_cell_pressed(3, false, false);
    settle(&main);
    key(&main, "s");
    settle(&main);
    assert_eq!(adapter.get_count_text(), "17 of 20 images");
    assert_eq!(
        main.library.current_id(),
        Some(members[3].clone()),
        "the stack's face is current"
    );
    assert_eq!(main.library.current_position(), Some(2));
    assert!(badge(&main, "Expand stack of 4").is_some());
    assert_eq!(
        main.library.item_at(3).unwrap().id,
        newest[6],
        "the images after it moved up"
    );

    // Culling keys act on the face.
    key(&main, "4");
    ctx.db.flush_blocking().unwrap();
    let face = members[3].clone();
    let rated = ctx.db.call_blocking(move |c| media::get(c, &face)).unwrap().unwrap();
    assert_eq!(rated.rating, Rating::new(4).unwrap());
    for (other, before) in members[..3].iter().zip(&ratings_before) {
        let id = other.clone();
        let m = ctx.db.call_blocking(move |c| media::get(c, &id)).unwrap().unwrap();
        assert_eq!(m.rating, *before, "hidden images keep their rating");
    }

    // The badge expands it in place.
    common::ui::click(&main, &badge(&main, "Expand stack of 4").unwrap(), "the stack badge");
    settle(&main);
    assert_eq!(adapter.get_count_text(), "20 images");
    assert_eq!(main.library.item_at(2).unwrap().id, members[0]);

    // Collapsed again, Enter opens the loupe inside the stack: it is expanded, and → walks
    // through its images.
    key(&main, "s");
    settle(&main);
    assert_eq!(adapter.get_count_text(), "17 of 20 images");
    key(&main, slint::platform::Key::Return);
    settle(&main);
    assert!(main.window.global::<LoupeAdapter>().get_open());
    assert_eq!(adapter.get_count_text(), "20 images", "the stack opened");
    assert_eq!(main.library.current_id(), Some(members[3].clone()));
    key(&main, slint::platform::Key::LeftArrow);
    settle(&main);
    assert_eq!(
        main.library.current_id(),
        Some(members[2].clone()),
        "the loupe walks inside it"
    );
}
