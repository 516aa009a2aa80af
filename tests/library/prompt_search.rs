//! Prompt search (FTS5, kept in step by triggers) on a real SQLite file: results equal a
//! plain scan of prompts and file names, respect the other filters and every sort, follow
//! edits and deletes, and find imported images by the prompt in their metadata. In the
//! window: typing in the filter bar's search field narrows the grid and its count; Escape
//! clears it.

use crate::common;

use common::ui::{demo, open, settle};
use distillery::app::AppContext;
use distillery::db::media_query::{self, MediaFilter, MediaSort, SearchText, StatusFilter};
use distillery::db::types::{MediaId, Rating};
use distillery::db::{Database, media};
use distillery::ui::LibraryAdapter;
use i_slint_backend_testing::ElementHandle;
use slint::ComponentHandle;
use std::collections::BTreeSet;

/// Ids whose prompt or file name has a word starting with every searched word (the search's
/// meaning, computed without the index).
fn by_scan(db: &Database, words: &[&str], filter: &MediaFilter) -> BTreeSet<String> {
    let words: Vec<String> = words.iter().map(|w| w.to_lowercase()).collect();
    let filter = filter.clone();
    db.call_blocking(move |c| {
        use diesel::prelude::*;
        #[derive(QueryableByName)]
        struct Row {
            #[diesel(sql_type = diesel::sql_types::Text)]
            id: String,
            #[diesel(sql_type = diesel::sql_types::Text)]
            text: String,
        }
        let rows: Vec<Row> = diesel::sql_query(
            "SELECT m.id AS id, coalesce(g.prompt, '') || ' ' || m.file_name AS text \
             FROM media m LEFT JOIN generations g ON g.id = m.generation_id",
        )
        .load(c)?;
        let mut found = BTreeSet::new();
        for row in rows {
            let tokens: Vec<String> = row
                .text
                .split(|ch: char| !ch.is_alphanumeric())
                .map(str::to_lowercase)
                .collect();
            if !words.iter().all(|w| tokens.iter().any(|t| t.starts_with(w.as_str()))) {
                continue;
            }
            let item = media::get(c, &MediaId::from_string(&row.id))?.unwrap();
            if filter.matches(&media_query::ViewItem::from(&item)) {
                found.insert(row.id);
            }
        }
        Ok(found)
    })
    .unwrap()
}

fn by_index(db: &Database, filter: &MediaFilter, sort: MediaSort) -> Vec<String> {
    let filter = filter.clone();
    db.call_blocking(move |c| media_query::page(c, &filter, sort, None, 100_000))
        .unwrap()
        .into_iter()
        .map(|item| item.id.as_str().to_owned())
        .collect()
}

fn searching(text: &str, min_rating: u8, status: StatusFilter) -> MediaFilter {
    MediaFilter {
        min_rating: Rating::new(min_rating).unwrap(),
        status,
        search: SearchText::parse(text),
        ..Default::default()
    }
}

#[test]
fn search_results_equal_a_scan_under_every_filter_and_sort() {
    let app = demo(300);
    let ctx = AppContext::open(&app.options()).unwrap();
    for words in [
        &["lighthouse"][..],
        &["fox", "snow"],
        &["NEON"],
        &["fi"],
        &["golden", "hour"],
        &["zebra"],
    ] {
        for (min_rating, status) in [
            (0, StatusFilter::All),
            (3, StatusFilter::All),
            (0, StatusFilter::Selected),
        ] {
            let filter = searching(&words.join(" "), min_rating, status);
            let expected = by_scan(&ctx.db, words, &filter);
            for sort in MediaSort::ALL {
                let found = by_index(&ctx.db, &filter, sort);
                let unique: BTreeSet<String> = found.iter().cloned().collect();
                assert_eq!(unique.len(), found.len(), "no duplicates");
                assert_eq!(unique, expected, "{words:?} {min_rating} {status:?} {sort:?}");
            }
            let counted = ctx
                .db
                .call_blocking({
                    let filter = filter.clone();
                    move |c| media_query::count(c, &filter)
                })
                .unwrap();
            assert_eq!(counted as usize, expected.len(), "the count agrees for {words:?}");
        }
    }
    let everything = by_scan(&ctx.db, &["lighthouse"], &MediaFilter::default());
    assert!(!everything.is_empty() && everything.len() < 300, "a real narrowing");
    assert_eq!(SearchText::parse("  ,;  "), None, "punctuation alone is no search");
}

#[test]
fn the_index_follows_edits_deletes_and_imports() {
    let app = demo(20);
    let ctx = AppContext::open(&app.options()).unwrap();
    let find = |text: &str| by_index(&ctx.db, &searching(text, 0, StatusFilter::All), MediaSort::NewestFirst);

    // A prompt edited in place.
    let target = find("lighthouse").first().cloned().expect("a lighthouse in the demo");
    let id = MediaId::from_string(&target);
    let lookup = id.clone();
    let generation = ctx
        .db
        .call_blocking(move |c| Ok(media::get(c, &lookup)?.unwrap().generation_id.unwrap()))
        .unwrap();
    ctx.db
        .call_blocking(move |c| {
            use diesel::prelude::*;
            use distillery::db::schema::generations::dsl as g;
            diesel::update(g::generations.filter(g::id.eq(generation)))
                .set(g::prompt.eq("a submarine beneath the ice"))
                .execute(c)?;
            Ok(())
        })
        .unwrap();
    assert_eq!(find("submarine"), vec![target.clone()]);
    assert!(!find("lighthouse").contains(&target));

    // A delete leaves the index.
    let gone = vec![id];
    ctx.db.call_blocking(move |c| media::delete(c, &gone)).unwrap();
    assert!(find("submarine").is_empty());

    // An imported PNG with WebUI parameters is found by its prompt and by its file name.
    let picture = app.dir.path().join("harbour-study.png");
    let mut png = Vec::new();
    image::RgbImage::from_pixel(64, 48, image::Rgb([10, 80, 120]))
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    let with_prompt = distillery::library::png_text::with_text_chunks(
        &png,
        &[(
            "parameters",
            "a quiet harbour with zeppelins\nSteps: 20, Sampler: Euler, Seed: 7",
        )],
    )
    .unwrap();
    std::fs::write(&picture, with_prompt).unwrap();
    let mut timings = Default::default();
    let outcome = distillery::import::import_file(&ctx.db, &ctx.library, &picture, &mut timings);
    let distillery::import::FileOutcome::Imported { media_id, .. } = outcome else {
        panic!("imported: {outcome:?}");
    };
    assert_eq!(find("zeppelin"), vec![media_id.as_str().to_owned()]);
    assert_eq!(find("harbour study"), vec![media_id.as_str().to_owned()]);
}

#[test]
fn typing_in_the_search_field_narrows_the_grid_and_escape_clears_it() {
    common::init_testing_backend();
    let app = demo(40);
    let (ctx, main) = open(&app);
    let adapter = main.window.global::<LibraryAdapter>();
    let expected = by_scan(&ctx.db, &["fox"], &MediaFilter::default()).len();
    assert!(expected > 0 && expected < 40);

    assert!(
        ElementHandle::find_by_accessible_label(&main.window, "Search prompts and file names")
            .next()
            .is_some(),
        "the filter bar has a search field"
    );
    // Ctrl+F puts the cursor there; the typed words narrow the grid as they are typed, and
    // culling keys (F, O, X) type instead of acting.
    let window = main.window.window();
    window.dispatch_event(slint::platform::WindowEvent::KeyPressed {
        text: slint::platform::Key::Control.into(),
    });
    common::ui::key(&main, "f");
    window.dispatch_event(slint::platform::WindowEvent::KeyReleased {
        text: slint::platform::Key::Control.into(),
    });
    for letter in ["f", "o", "x"] {
        common::ui::key(&main, letter);
    }
    settle(&main);
    assert_eq!(adapter.get_search_text(), "fox");
    assert_eq!(adapter.get_filtered_count() as usize, expected);
    assert_eq!(adapter.get_count_text(), format!("{expected} of 40 images"));

    common::ui::key(&main, slint::platform::Key::Escape);
    settle(&main);
    assert_eq!(adapter.get_search_text(), "");
    assert_eq!(adapter.get_filtered_count(), 40);
}

#[test]
fn a_searched_page_walks_the_index_that_serves_its_order() {
    let app = demo(50);
    let ctx = AppContext::open(&app.options()).unwrap();
    for (min_rating, status) in [
        (0, StatusFilter::All),
        (3, StatusFilter::All),
        (0, StatusFilter::Rejected),
    ] {
        for sort in MediaSort::ALL {
            let filter = searching("golden hour", min_rating, status);
            let plan = ctx
                .db
                .call_blocking(move |c| media_query::page_plan(c, &filter, sort, None))
                .unwrap()
                .join(" | ");
            assert!(!plan.contains("TEMP B-TREE"), "{sort:?} sorts the matches: {plan}");
            assert!(
                plan.contains("USING COVERING INDEX"),
                "{sort:?} reads the table: {plan}"
            );
        }
    }
}
