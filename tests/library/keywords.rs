//! Keywords on real SQLite files: adding and removing on many images at once, counts kept
//! by triggers, one keyword whatever its case, keyword views paged along their own indexes
//! (no temporary sort) in every order and agreeing with a scan, the prompt search finding
//! keywords, undo putting each image's keywords back, and `distillery keyword` / `list
//! --keyword` from scripts.

use crate::common;

use common::processes::{distillery, stderr};
use common::ui::demo;
use distillery::db::keywords::{self, BadKeyword, Keyword};
use distillery::db::media::{self, NewMedia};
use distillery::db::media_query::{self, Cursor, MediaFilter, MediaSort, SearchText, StatusFilter, ViewItem};
use distillery::db::types::*;
use distillery::db::{Database, open_database};
use distillery::services::keywords::{KeywordChange, KeywordEdit, tag};

fn k(name: &str) -> Keyword {
    Keyword::parse(name).unwrap()
}

/// A library of `n` imported items with a spread of ratings, statuses and timestamps.
fn seeded(n: usize) -> (tempfile::TempDir, Database, Vec<MediaId>) {
    let dir = tempfile::tempdir().unwrap();
    let db = open_database(&dir.path().join("d.db")).unwrap().db;
    let ids = db
        .call_blocking(move |c| {
            let mut ids = Vec::new();
            for i in 0..n {
                let id = MediaId::new();
                let second = i - i / 4;
                let item = NewMedia {
                    file_path: format!("originals/2026/01/{id}.png"),
                    thumb_path: None,
                    file_name: format!("picture {i}.png"),
                    media_type: MediaType::Image,
                    origin: Origin::Import,
                    width: Some(64),
                    height: Some(64),
                    file_size: Some(1000),
                    generation_id: None,
                    created_at: Timestamp::parse(&format!("2026-01-01T00:{:02}:{:02}.000Z", second / 60, second % 60))
                        .unwrap(),
                    content_hash: None,
                    id: id.clone(),
                };
                media::insert(c, &item)?;
                media::set_rating(c, std::slice::from_ref(&id), Rating::new((i * 7 % 6) as u8).unwrap())?;
                let status = [Some(CullStatus::Selected), Some(CullStatus::Rejected), None][i % 3];
                media::set_status(c, std::slice::from_ref(&id), status)?;
                ids.push(id);
            }
            Ok(ids)
        })
        .unwrap();
    (dir, db, ids)
}

fn counts(db: &Database) -> Vec<(String, i64)> {
    db.call_blocking(keywords::list)
        .unwrap()
        .into_iter()
        .map(|k| (k.name, k.images))
        .collect()
}

fn view(db: &Database, filter: &MediaFilter, sort: MediaSort) -> Vec<MediaId> {
    let filter = filter.clone();
    db.call_blocking(move |c| media_query::page(c, &filter, sort, None, 1_000_000))
        .unwrap()
        .into_iter()
        .map(|item| item.id)
        .collect()
}

fn with_keywords(names: &[&str]) -> MediaFilter {
    MediaFilter {
        keywords: names.iter().map(|n| k(n).folded().to_owned()).collect(),
        ..Default::default()
    }
}

#[test]
fn keywords_are_tidied_and_bad_ones_refused_with_a_reason() {
    assert_eq!(k("  Golden   hour ").name(), "Golden hour");
    assert_eq!(k("Golden Hour").folded(), k("golden hour").folded());
    assert_eq!(k("Places|Europe|Lisboa").name(), "Places|Europe|Lisboa");
    assert_eq!(Keyword::parse("   "), Err(BadKeyword::Empty));
    assert_eq!(Keyword::parse("a\u{7}b"), Err(BadKeyword::ControlCharacter));
    assert_eq!(Keyword::parse(&"x".repeat(101)), Err(BadKeyword::TooLong));
    assert!(Keyword::parse(&"é".repeat(100)).is_ok(), "characters, not bytes");
}

#[test]
fn bulk_add_and_remove_keep_counts_and_one_keyword_whatever_its_case() {
    let (_dir, db, ids) = seeded(40);
    let some = ids[..25].to_vec();
    let added = db
        .call_blocking({
            let some = some.clone();
            move |c| keywords::add(c, &some, &[k("Sea"), k("dusk")])
        })
        .unwrap();
    assert_eq!(added, 50);
    // Again, in another case: nothing new, the first spelling stays.
    let again = db
        .call_blocking({
            let some = some.clone();
            move |c| keywords::add(c, &some, &[k("SEA")])
        })
        .unwrap();
    assert_eq!(again, 0);
    assert_eq!(counts(&db), vec![("dusk".to_owned(), 25), ("Sea".to_owned(), 25)]);

    let removed = db
        .call_blocking({
            let few = ids[..10].to_vec();
            move |c| keywords::remove(c, &few, &[k("sea"), k("never used")])
        })
        .unwrap();
    assert_eq!(removed, 10);
    assert_eq!(counts(&db), vec![("dusk".to_owned(), 25), ("Sea".to_owned(), 15)]);
    let of = db
        .call_blocking({
            let two = vec![ids[0].clone(), ids[20].clone(), ids[39].clone()];
            move |c| keywords::of_items(c, &two)
        })
        .unwrap();
    assert_eq!(of[0].1, vec!["dusk".to_owned()]);
    assert_eq!(of[1].1, vec!["dusk".to_owned(), "Sea".to_owned()]);
    assert!(of[2].1.is_empty());

    // Suggestions: by prefix in any case, most used first.
    db.call_blocking({
        let few = ids[..3].to_vec();
        move |c| keywords::add(c, &few, &[k("Seagull")])
    })
    .unwrap();
    let offered: Vec<String> = db
        .call_blocking(|c| keywords::starting_with(c, "SE", 10))
        .unwrap()
        .into_iter()
        .map(|k| k.name)
        .collect();
    assert_eq!(offered, ["Sea", "Seagull"]);

    // Deleting an image takes its keywords with it; the vocabulary stays.
    db.call_blocking({
        let gone = ids[20].clone();
        move |c| media::delete(c, std::slice::from_ref(&gone)).map(|_| ())
    })
    .unwrap();
    assert_eq!(counts(&db)[0], ("dusk".to_owned(), 24));
    db.call_blocking(move |c| keywords::remove(c, &ids, &[k("Seagull")]))
        .unwrap();
    assert!(counts(&db).contains(&("Seagull".to_owned(), 0)));
}

#[test]
fn a_keyword_view_pages_in_every_order_like_a_scan_and_follows_rating_changes() {
    let (_dir, db, ids) = seeded(300);
    let tagged: Vec<MediaId> = ids.iter().step_by(3).cloned().collect();
    let both: Vec<MediaId> = ids.iter().step_by(6).cloned().collect();
    db.call_blocking({
        let (tagged, both) = (tagged.clone(), both.clone());
        move |c| {
            keywords::add(c, &tagged, &[k("harbour")])?;
            keywords::add(c, &both, &[k("boat")])
        }
    })
    .unwrap();

    for sort in MediaSort::ALL {
        for status in StatusFilter::ALL {
            for stars in [0, 2, 5] {
                let filter = MediaFilter {
                    min_rating: Rating::new(stars).unwrap(),
                    status,
                    ..with_keywords(&["harbour"])
                };
                let whole = MediaFilter {
                    keywords: Vec::new(),
                    ..filter.clone()
                };
                // The keyword view is the library view narrowed to the tagged images, in
                // the same order.
                let expected: Vec<MediaId> = view(&db, &whole, sort)
                    .into_iter()
                    .filter(|id| tagged.contains(id))
                    .collect();
                assert_eq!(view(&db, &filter, sort), expected, "{filter:?} {sort:?}");
                let count = db
                    .call_blocking({
                        let filter = filter.clone();
                        move |c| media_query::count(c, &filter)
                    })
                    .unwrap();
                assert_eq!(count as usize, expected.len(), "{filter:?}");
                // Keyset pages of 7 walk it without a gap or a repeat.
                let mut walked: Vec<ViewItem> = Vec::new();
                loop {
                    let after = walked.last().map(Cursor::after);
                    let filter = filter.clone();
                    let page = db
                        .call_blocking(move |c| media_query::page(c, &filter, sort, after.as_ref(), 7))
                        .unwrap();
                    let done = page.len() < 7;
                    walked.extend(page);
                    if done {
                        break;
                    }
                }
                assert_eq!(walked.into_iter().map(|i| i.id).collect::<Vec<_>>(), expected);
                // Where an item stands, and that an untagged one is not in the view.
                if let Some(last) = expected.last().cloned() {
                    let (f, id) = (filter.clone(), last);
                    let at = db
                        .call_blocking(move |c| media_query::position(c, &f, sort, &id))
                        .unwrap();
                    assert_eq!(at, Some(expected.len() as u64 - 1));
                }
                let (f, untagged) = (filter.clone(), ids[1].clone());
                assert_eq!(
                    db.call_blocking(move |c| media_query::position(c, &f, sort, &untagged))
                        .unwrap(),
                    None
                );
            }
        }
    }

    // Two keywords: images with both.
    let two = with_keywords(&["Harbour", "BOAT"]);
    let shown = view(&db, &two, MediaSort::NewestFirst);
    assert_eq!(shown.len(), both.len());
    assert!(shown.iter().all(|id| both.contains(id)));
    // An unknown keyword: an empty view, counted 0.
    let none = with_keywords(&["no such keyword"]);
    assert!(view(&db, &none, MediaSort::NewestFirst).is_empty());
    assert_eq!(db.call_blocking(move |c| media_query::count(c, &none)).unwrap(), 0);

    // A rating given after tagging is seen inside the keyword view (the trigger copies it).
    let five = MediaFilter {
        min_rating: Rating::MAX,
        ..with_keywords(&["harbour"])
    };
    let before = view(&db, &five, MediaSort::NewestFirst).len();
    let newly: Vec<MediaId> = tagged
        .iter()
        .filter(|id| !view(&db, &five, MediaSort::NewestFirst).contains(id))
        .take(4)
        .cloned()
        .collect();
    db.call_blocking(move |c| media::set_rating(c, &newly, Rating::MAX))
        .unwrap();
    assert_eq!(view(&db, &five, MediaSort::NewestFirst).len(), before + 4);
}

#[test]
fn keyword_views_are_served_by_the_keywords_indexes_without_a_temporary_sort() {
    let (_dir, db, ids) = seeded(60);
    db.call_blocking(move |c| keywords::add(c, &ids, &[k("harbour"), k("boat")]))
        .unwrap();
    let cursor = Cursor {
        rating: Rating::new(3).unwrap(),
        created_at: Timestamp::parse("2026-01-01T00:00:10.000Z").unwrap(),
        id: MediaId::new(),
    };
    for sort in MediaSort::ALL {
        for status in StatusFilter::ALL {
            for stars in [0, 3, 5] {
                for after in [None, Some(cursor.clone())] {
                    let filter = MediaFilter {
                        min_rating: Rating::new(stars).unwrap(),
                        status,
                        search: SearchText::parse("picture"),
                        ..with_keywords(&["harbour", "boat"])
                    };
                    let planned = filter.clone();
                    let plan = db
                        .call_blocking(move |c| media_query::page_plan(c, &planned, sort, after.as_ref()))
                        .unwrap()
                        .join(" | ");
                    assert!(!plan.contains("TEMP B-TREE"), "{filter:?} {sort:?}: {plan}");
                    let by_rating = matches!(sort, MediaSort::HighestRated | MediaSort::LowestRated) || stars == 5;
                    let index = if by_rating {
                        "media_keywords_rating_idx"
                    } else {
                        "media_keywords_created_idx"
                    };
                    assert!(plan.contains(index), "{filter:?} {sort:?} should use {index}: {plan}");
                }
            }
        }
    }
}

#[test]
fn the_search_finds_keywords_and_undo_puts_each_images_keywords_back() {
    let (_dir, db, ids) = seeded(12);
    let search = |text: &str| {
        view(
            &db,
            &MediaFilter {
                search: SearchText::parse(text),
                ..Default::default()
            },
            MediaSort::NewestFirst,
        )
    };
    assert!(search("lighthouse").is_empty());
    db.call_blocking({
        let two = ids[..2].to_vec();
        move |c| keywords::add(c, &two, &[k("Lighthouse"), k("fog")])
    })
    .unwrap();
    assert_eq!(search("lightho").len(), 2, "a prefix of a keyword");
    assert_eq!(search("fog picture").len(), 2, "keyword and file name words together");

    // Remove "fog" from three images (one never had it), then undo: exactly as before.
    let three = ids[1..4].to_vec();
    let edit = KeywordEdit::new(three.clone(), KeywordChange::Remove(vec![k("fog")]));
    let tagged = db
        .call_blocking({
            let (ids, change) = (edit.ids.clone(), edit.change.clone());
            move |c| tag(c, &ids, &change)
        })
        .unwrap();
    assert_eq!(tagged.changed, 1);
    assert!(tagged.missing.is_empty());
    assert_eq!(search("fog").len(), 1);
    let before = tagged.before.clone();
    db.call_blocking(move |c| keywords::set_exactly(c, &before)).unwrap();
    assert_eq!(search("fog").len(), 2);
    let now = db.call_blocking(move |c| keywords::of_items(c, &three)).unwrap();
    assert_eq!(now, tagged.before);
}

#[test]
fn scripts_tag_list_and_filter_all_or_nothing() {
    let app = demo(12);
    let run = |args: &[&str]| distillery(&app, args, &[]).output().expect("distillery runs");
    let listed = run(&["list", "--json"]);
    let ids: Vec<String> = String::from_utf8(listed.stdout)
        .unwrap()
        .lines()
        .map(|line| {
            serde_json::from_str::<serde_json::Value>(line).unwrap()["id"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    let added = run(&["keyword", "add", "Golden hour", &ids[0], &ids[1], &ids[2]]);
    assert_eq!(added.status.code(), Some(0), "{}", stderr(&added));
    assert!(
        stderr(&added).contains("added “Golden hour” to 3 images"),
        "{}",
        stderr(&added)
    );
    let again = run(&["keyword", "add", "golden HOUR", &ids[2], &ids[3]]);
    assert!(
        stderr(&again).contains("to 1 image (1 image had it already)"),
        "{}",
        stderr(&again)
    );

    let with = run(&["list", "--keyword", "golden hour"]);
    assert_eq!(with.status.code(), Some(0), "{}", stderr(&with));
    let shown: Vec<String> = String::from_utf8(with.stdout)
        .unwrap()
        .lines()
        .map(|line| line.split('\t').next().unwrap().to_owned())
        .collect();
    assert_eq!(shown.len(), 4);
    assert!(ids[..4].iter().all(|id| shown.contains(id)));

    // An unknown id: nothing changes, and it is named.
    let refused = run(&["keyword", "add", "sunset", &ids[4], "no-such-id"]);
    assert_eq!(refused.status.code(), Some(1));
    assert!(stderr(&refused).contains("no-such-id"), "{}", stderr(&refused));
    let listed = run(&["keyword", "list", "--json"]);
    let keywords = String::from_utf8(listed.stdout).unwrap();
    assert!(
        keywords.contains(r#""keyword":"Golden hour""#) && keywords.contains(r#""images":4"#),
        "{keywords}"
    );
    assert!(!keywords.contains("sunset"), "nothing was written: {keywords}");

    // Usage errors exit 2 with the reason.
    let empty = run(&["keyword", "add", "  ", &ids[0]]);
    assert_eq!(empty.status.code(), Some(2));
    assert!(stderr(&empty).contains("cannot be empty"), "{}", stderr(&empty));
    assert_eq!(run(&["keyword", "add", "lonely"]).status.code(), Some(2));

    let removed = run(&["keyword", "remove", "Golden hour", &ids[0]]);
    assert_eq!(removed.status.code(), Some(0), "{}", stderr(&removed));
    let plain = String::from_utf8(run(&["keyword", "list"]).stdout).unwrap();
    assert_eq!(plain.trim(), "3\tGolden hour");
}
