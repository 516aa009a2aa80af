//! Collections on real SQLite files: manual collections made, renamed and deleted without
//! touching an image, counts kept by triggers (also when an image leaves the library),
//! collection views that agree with the library view narrowed in every filter and order,
//! smart collections re-evaluated after edits, undo of a membership change, the filter bar's
//! origin, model and date range, query plans at 100,000 items, and `distillery collection`.

use crate::common;

use common::processes::{distillery, stderr};
use common::ui::demo;
use diesel::connection::SimpleConnection;
use distillery::db::collections::{self, CollectionId, CollectionName, NameTaken};
use distillery::db::media_query::{self, CreatedRange, Cursor, MediaFilter, MediaSort, StatusFilter};
use distillery::db::types::*;
use distillery::db::{Database, media, open_database};
use distillery::services::collections::{CollectionProblem, MembershipChange, change_membership, scope_of, summaries};
use distillery::services::saved_filter::{SavedFilter, SavedOrigin, both};

fn name(typed: &str) -> CollectionName {
    CollectionName::parse(typed).unwrap()
}

/// A library of `n` items made straight in SQL (fast at 100,000): ratings, statuses, two
/// origins, two models and a day per 1,000 items, with ties in time.
fn seeded(n: usize) -> (tempfile::TempDir, Database, Vec<MediaId>) {
    let dir = tempfile::tempdir().unwrap();
    let db = open_database(&dir.path().join("d.db")).unwrap().db;
    let ids = db
        .call_blocking(move |c| {
            c.batch_execute(&format!(
                "INSERT INTO generations (id, provider, model_file, prompt, status, created_at)
                     VALUES ('g-klein', 'local', 'FLUX.2 Klein 4B', 'a harbour', 'completed', '2026-01-01T00:00:00.000Z'),
                            ('g-dev', 'local', 'FLUX.2 Dev', 'a boat', 'completed', '2026-01-01T00:00:00.000Z');
                 WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < {n})
                 INSERT INTO media (id, file_path, file_name, media_type, origin, width, height, rating, status,
                                    generation_id, created_at, updated_at)
                 SELECT printf('m%06d', i), printf('originals/m%06d.png', i), printf('picture %d.png', i), 'image',
                        CASE WHEN i % 4 = 0 THEN 'import' ELSE 'generation' END, 64, 64, (i * 7) % 6,
                        CASE i % 3 WHEN 0 THEN 'selected' WHEN 1 THEN 'rejected' END,
                        CASE WHEN i % 4 = 0 THEN NULL WHEN i % 4 = 1 THEN 'g-dev' ELSE 'g-klein' END,
                        strftime('%Y-%m-%dT%H:%M:%S.000Z', '2026-01-01', printf('+%d days', i / 1000),
                                 printf('+%d seconds', (i - i / 4) % 1000)),
                        '2026-01-01T00:00:00.000Z'
                 FROM n;"
            ))?;
            Ok((0..n).map(|i| MediaId::from_string(format!("m{i:06}"))).collect())
        })
        .unwrap();
    (dir, db, ids)
}

fn view(db: &Database, filter: &MediaFilter, sort: MediaSort) -> Vec<MediaId> {
    let filter = filter.clone();
    db.call_blocking(move |c| media_query::page(c, &filter, sort, None, 10_000_000))
        .unwrap()
        .into_iter()
        .map(|item| item.id)
        .collect()
}

fn count(db: &Database, filter: &MediaFilter) -> i64 {
    let filter = filter.clone();
    db.call_blocking(move |c| media_query::count(c, &filter)).unwrap()
}

fn manual(db: &Database, called: &str, ids: &[MediaId]) -> CollectionId {
    let (called, ids) = (name(called), ids.to_vec());
    db.call_blocking(move |c| {
        let id = collections::create(c, &called, None)?.expect("a new name");
        collections::add(c, id, &ids)?;
        Ok(id)
    })
    .unwrap()
}

fn in_collection(id: CollectionId) -> MediaFilter {
    MediaFilter {
        collection: Some(id),
        ..MediaFilter::default()
    }
}

#[test]
fn manual_collections_are_named_once_counted_and_deleted_without_their_images() {
    let (_dir, db, ids) = seeded(40);
    let picks = manual(&db, "Client Picks", &ids[..10]);
    let again = db
        .call_blocking(|c| collections::create(c, &name("  client   PICKS "), None))
        .unwrap();
    assert_eq!(
        again,
        Err(NameTaken("Client Picks".into())),
        "names are unique ignoring case and spaces"
    );
    let other = manual(&db, "Portfolio", &ids[5..12]);
    assert_eq!(
        db.call_blocking(move |c| collections::rename(c, other, &name("client picks")))
            .unwrap(),
        Err(NameTaken("Client Picks".into()))
    );
    assert_eq!(
        db.call_blocking(move |c| collections::rename(c, picks, &name("CLIENT picks")))
            .unwrap(),
        Ok(true),
        "a change of case alone is a rename"
    );
    // Adding again counts nothing twice; ids that name no image are skipped.
    let added = db
        .call_blocking({
            let ids = ids[8..14].to_vec();
            move |c| {
                let mut with_unknown = ids.clone();
                with_unknown.push(MediaId::from_string("no-such-image".to_owned()));
                collections::add(c, picks, &with_unknown)
            }
        })
        .unwrap();
    assert_eq!(added, 4);
    let counted = |db: &Database| -> Vec<(String, i64)> {
        db.call_blocking(summaries)
            .unwrap()
            .into_iter()
            .map(|s| (s.name, s.images))
            .collect()
    };
    assert_eq!(counted(&db), vec![("CLIENT picks".into(), 14), ("Portfolio".into(), 7)]);
    assert_eq!(count(&db, &in_collection(picks)), 14);
    // An image leaving the library leaves its collections, and their counts follow.
    let gone = ids[5].clone();
    db.call_blocking(move |c| media::delete(c, std::slice::from_ref(&gone)))
        .unwrap();
    assert_eq!(counted(&db), vec![("CLIENT picks".into(), 13), ("Portfolio".into(), 6)]);
    // Deleting a collection deletes no image.
    let before = db.call_blocking(media::count_all).unwrap();
    assert!(db.call_blocking(move |c| collections::delete(c, picks)).unwrap());
    assert_eq!(db.call_blocking(media::count_all).unwrap(), before);
    assert_eq!(counted(&db), vec![("Portfolio".into(), 6)]);
    assert!(view(&db, &in_collection(picks), MediaSort::NewestFirst).is_empty());
    assert_eq!(count(&db, &in_collection(picks)), 0);
    // Bad names are refused with a reason.
    for bad in ["", "   ", "tab\there", &"x".repeat(101)] {
        let problem = CollectionName::parse(bad).unwrap_err().to_string();
        assert!(problem.contains("collection"), "{bad:?}: {problem}");
    }
}

/// Every filter the bar offers, crossed.
fn filters() -> Vec<MediaFilter> {
    let mut all = Vec::new();
    for status in StatusFilter::ALL {
        for stars in [0, 3, 5] {
            for origin in [None, Some(Origin::Generation), Some(Origin::Import)] {
                for model in [None, Some("flux.2 klein 4b".to_owned())] {
                    for from in [None, Some("2026-01-02T00:00:00.000Z")] {
                        all.push(MediaFilter {
                            min_rating: Rating::new(stars).unwrap(),
                            status,
                            origin,
                            model: model.clone(),
                            created: CreatedRange {
                                from: from.and_then(Timestamp::parse),
                                before: Timestamp::parse("2026-01-03T12:00:00.000Z"),
                            },
                            ..MediaFilter::default()
                        });
                    }
                }
            }
        }
    }
    all
}

/// What `filter` should show of the library, worked out in Rust from the rows.
fn expected(db: &Database, filter: &MediaFilter, members: Option<&[MediaId]>, sort: MediaSort) -> Vec<MediaId> {
    let library = view(db, &MediaFilter::default(), sort);
    let rows = db.call_blocking(move |c| media::get_many(c, &library)).unwrap();
    let by_id: std::collections::HashMap<MediaId, media::Media> = rows.into_iter().map(|m| (m.id.clone(), m)).collect();
    view(db, &MediaFilter::default(), sort)
        .into_iter()
        .filter(|id| {
            let m = &by_id[id];
            let model = match m.generation_id.as_ref().map(|g| g.as_str()) {
                Some("g-klein") => Some("flux.2 klein 4b"),
                Some("g-dev") => Some("flux.2 dev"),
                _ => None,
            };
            filter.matches(&ViewItem::from(m))
                && members.is_none_or(|members| members.contains(id))
                && filter.origin.is_none_or(|origin| m.origin == origin)
                && filter.model.as_deref().is_none_or(|wanted| model == Some(wanted))
                && filter
                    .created
                    .from
                    .as_ref()
                    .is_none_or(|from| m.created_at.as_str() >= from.as_str())
                && filter
                    .created
                    .before
                    .as_ref()
                    .is_none_or(|before| m.created_at.as_str() < before.as_str())
        })
        .collect()
}

use distillery::db::media_query::ViewItem;

#[test]
fn collection_views_and_the_new_filters_agree_with_the_library_narrowed_in_every_order() {
    let (_dir, db, ids) = seeded(3000);
    let members: Vec<MediaId> = ids.iter().step_by(3).cloned().collect();
    let picks = manual(&db, "Picks", &members);
    let mut checked = 0;
    for filter in filters() {
        for sort in MediaSort::ALL {
            let whole = view(&db, &filter, sort);
            assert_eq!(whole, expected(&db, &filter, None, sort), "{filter:?} {sort:?}");
            assert_eq!(count(&db, &filter), whole.len() as i64, "{filter:?}");
            let inside = MediaFilter {
                collection: Some(picks),
                ..filter.clone()
            };
            let shown = view(&db, &inside, sort);
            assert_eq!(
                shown,
                expected(&db, &filter, Some(&members), sort),
                "{inside:?} {sort:?}"
            );
            assert_eq!(count(&db, &inside), shown.len() as i64, "{inside:?}");
            // Paging on from any item continues exactly where it was.
            if let Some(middle) = shown.get(shown.len() / 2).cloned() {
                let (planned, wanted) = (inside.clone(), middle.clone());
                let position = db
                    .call_blocking(move |c| media_query::position(c, &planned, sort, &wanted))
                    .unwrap();
                assert_eq!(position, Some((shown.len() / 2) as u64));
            }
            checked += 1;
        }
    }
    assert_eq!(checked, 4 * 3 * 3 * 2 * 2 * 4);
    // An image outside the collection has no position in its view.
    let outsider = ids[1].clone();
    let position = db
        .call_blocking(move |c| media_query::position(c, &in_collection(picks), MediaSort::NewestFirst, &outsider))
        .unwrap();
    assert_eq!(position, None);
}

#[test]
fn smart_collections_follow_edits_and_membership_changes_undo_exactly() {
    let (_dir, db, ids) = seeded(60);
    let saved = SavedFilter {
        min_rating: 4,
        origin: Some(SavedOrigin::Generated),
        ..SavedFilter::default()
    };
    let json = saved.to_json();
    let smart = db
        .call_blocking(move |c| collections::create(c, &name("Best generated"), Some(&json)))
        .unwrap()
        .unwrap();
    let smart_count = |db: &Database| {
        db.call_blocking(summaries)
            .unwrap()
            .into_iter()
            .find(|s| s.id == smart)
            .map(|s| s.images)
            .unwrap()
    };
    let before = smart_count(&db);
    let scope = db
        .call_blocking(move |c| {
            let row = collections::get(c, smart)?.unwrap();
            Ok(scope_of(c, &row)?.unwrap())
        })
        .unwrap();
    assert_eq!(before as usize, view(&db, &scope, MediaSort::NewestFirst).len());
    // Rating a generated, unrated image 5 brings it in; rating it 1 takes it out again.
    let newcomer = ids[2].clone();
    assert_eq!(
        db.call_blocking({
            let id = newcomer.clone();
            move |c| media::get(c, &id)
        })
        .unwrap()
        .unwrap()
        .rating,
        Rating::new(2).unwrap()
    );
    let rate = |stars: u8| {
        let id = newcomer.clone();
        db.call_blocking(move |c| media::set_rating(c, &[id], Rating::new(stars).unwrap()))
            .unwrap();
    };
    rate(5);
    assert_eq!(smart_count(&db), before + 1);
    assert!(view(&db, &scope, MediaSort::NewestFirst).contains(&newcomer));
    rate(1);
    assert_eq!(smart_count(&db), before);
    // Narrowed further by the filter bar, it is the intersection.
    let picked = both(
        &scope,
        &MediaFilter {
            status: StatusFilter::Rejected,
            ..MediaFilter::default()
        },
    );
    let expected_ids = expected(&db, &picked, None, MediaSort::NewestFirst);
    assert_eq!(view(&db, &picked, MediaSort::NewestFirst), expected_ids);
    assert!(!expected_ids.is_empty());
    // Nothing is added to a smart collection by hand.
    let refused = db
        .call_blocking({
            let ids = ids[..3].to_vec();
            move |c| change_membership(c, smart, &ids, MembershipChange::Add)
        })
        .unwrap();
    assert!(matches!(refused, Err(CollectionProblem::Smart(_))), "{refused:?}");

    // Undo takes back exactly what a change did: images already in the collection stay.
    let picks = manual(&db, "Picks", &ids[..2]);
    let asked = ids[..5].to_vec();
    let moved = db
        .call_blocking(move |c| change_membership(c, picks, &asked, MembershipChange::Add))
        .unwrap()
        .unwrap();
    assert_eq!(moved.changed, ids[2..5].to_vec());
    let undo = moved.changed.clone();
    db.call_blocking(move |c| change_membership(c, picks, &undo, MembershipChange::Remove))
        .unwrap()
        .unwrap();
    let mut left = view(&db, &in_collection(picks), MediaSort::NewestFirst);
    left.sort();
    assert_eq!(left, ids[..2].to_vec());

    // A smart collection saved within a manual one says so once that one is deleted.
    let within = SavedFilter {
        collection: Some(picks),
        ..SavedFilter::default()
    }
    .to_json();
    db.call_blocking(move |c| collections::create(c, &name("Within picks"), Some(&within)))
        .unwrap()
        .unwrap();
    db.call_blocking(move |c| collections::delete(c, picks)).unwrap();
    let listed = db.call_blocking(summaries).unwrap();
    let orphan = listed.iter().find(|s| s.name == "Within picks").unwrap();
    assert_eq!(orphan.images, 0);
    assert!(orphan.problem.as_deref().unwrap().contains("deleted"), "{orphan:?}");
    // A saved filter that cannot be read is named, not a crash.
    db.call_blocking(|c| collections::create(c, &name("Broken"), Some("{not json")))
        .unwrap()
        .unwrap();
    let broken = db
        .call_blocking(summaries)
        .unwrap()
        .into_iter()
        .find(|s| s.name == "Broken")
        .unwrap();
    assert!(broken.problem.unwrap().contains("cannot be read"));
}

#[test]
fn collection_and_filter_views_are_served_by_an_index_per_sort_at_100k_items() {
    let (_dir, db, ids) = seeded(100_000);
    let members: Vec<MediaId> = ids.iter().step_by(2).cloned().collect();
    let picks = manual(&db, "Half", &members);
    let cursor = Cursor {
        rating: Rating::new(3).unwrap(),
        created_at: Timestamp::parse("2026-01-20T00:00:10.000Z").unwrap(),
        id: MediaId::from_string("m050000".to_owned()),
    };
    for base in filters().into_iter().step_by(7) {
        for inside in [None, Some(picks)] {
            for sort in MediaSort::ALL {
                for after in [None, Some(cursor.clone())] {
                    let filter = MediaFilter {
                        collection: inside,
                        ..base.clone()
                    };
                    let planned = filter.clone();
                    let plan = db
                        .call_blocking(move |c| media_query::page_plan(c, &planned, sort, after.as_ref()))
                        .unwrap()
                        .join(" | ");
                    assert!(!plan.contains("TEMP B-TREE"), "{filter:?} {sort:?}: {plan}");
                    if inside.is_some() {
                        // Rating orders walk the rating index; date orders the date index, or
                        // the rating index when "5 stars" makes the rating one value.
                        let by_rating = matches!(sort, MediaSort::HighestRated | MediaSort::LowestRated);
                        let allowed: &[&str] = if by_rating {
                            &["collection_media_rating_idx"]
                        } else if filter.min_rating == Rating::MAX {
                            &["collection_media_created_idx", "collection_media_rating_idx"]
                        } else {
                            &["collection_media_created_idx"]
                        };
                        assert!(
                            allowed.iter().any(|index| plan.contains(index)),
                            "{filter:?} {sort:?} should use {allowed:?}: {plan}"
                        );
                    }
                }
            }
        }
    }
    // The counts agree with a scan at this size too.
    for filter in [
        in_collection(picks),
        MediaFilter {
            origin: Some(Origin::Import),
            ..in_collection(picks)
        },
    ] {
        let scanned = {
            let filter = filter.clone();
            db.call_blocking(move |c| media_query::count_by_scan(c, &filter))
                .unwrap()
        };
        assert_eq!(count(&db, &filter), scanned);
    }
    assert_eq!(count(&db, &in_collection(picks)), 50_000);
}

#[test]
fn collections_from_scripts_beside_each_other() {
    let app = demo(24);
    let run = |args: &[&str]| distillery(&app, args, &[]).output().unwrap();
    let listed = run(&["list", "--limit", "6"]);
    let ids: Vec<String> = String::from_utf8_lossy(&listed.stdout)
        .lines()
        .map(|line| line.split('\t').next().unwrap().to_owned())
        .collect();
    assert_eq!(ids.len(), 6);
    assert!(run(&["collection", "create", "Client Picks"]).status.success());
    let taken = run(&["collection", "create", "client picks"]);
    assert_eq!(taken.status.code(), Some(1));
    assert!(
        stderr(&taken).contains("already a collection called “Client Picks”"),
        "{}",
        stderr(&taken)
    );
    // Two scripts add at once; both land.
    let first: Vec<&str> = ["collection", "add", "client picks"]
        .into_iter()
        .chain(ids[..3].iter().map(String::as_str))
        .collect();
    let second: Vec<&str> = ["collection", "add", "Client Picks"]
        .into_iter()
        .chain(ids[2..].iter().map(String::as_str))
        .collect();
    let (a, b) = (
        distillery(&app, &first, &[]).spawn().unwrap(),
        distillery(&app, &second, &[]).spawn().unwrap(),
    );
    let (a, b) = (a.wait_with_output().unwrap(), b.wait_with_output().unwrap());
    assert!(
        a.status.success() && b.status.success(),
        "{} {}",
        stderr(&a),
        stderr(&b)
    );
    let unknown = run(&["collection", "add", "Client Picks", &ids[0], "no-such-id"]);
    assert_eq!(unknown.status.code(), Some(1));
    assert!(stderr(&unknown).contains("nothing was changed"), "{}", stderr(&unknown));
    let inside = run(&["list", "--collection", "CLIENT PICKS", "--json"]);
    assert_eq!(String::from_utf8_lossy(&inside.stdout).lines().count(), 6);
    // A smart collection, a bad day, a missing collection.
    assert!(
        run(&[
            "collection",
            "save",
            "Good",
            "--min-rating",
            "3",
            "--origin",
            "generated"
        ])
        .status
        .success()
    );
    let bad_day = run(&["collection", "save", "Bad", "--from", "2026-02-30"]);
    assert_eq!(bad_day.status.code(), Some(2));
    assert!(stderr(&bad_day).contains("is not a day"), "{}", stderr(&bad_day));
    let missing = run(&["list", "--collection", "Nope"]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(stderr(&missing).contains("no collection called “Nope”"));
    let listed = run(&["collection", "list"]);
    let text = String::from_utf8_lossy(&listed.stdout).to_string();
    assert!(text.contains("6\tmanual\tClient Picks"), "{text}");
    let good = run(&["list", "--min-rating", "3", "--origin", "generated"]);
    let good_count = String::from_utf8_lossy(&good.stdout).lines().count();
    assert!(text.contains(&format!("{good_count}\tsmart\tGood")), "{text}");
    // Delete: the images stay.
    assert!(run(&["collection", "delete", "client picks"]).status.success());
    let all = run(&["list"]);
    assert_eq!(String::from_utf8_lossy(&all.stdout).lines().count(), 24);
}

/// The kept per-rating-and-status counts of keywords and collections follow ratings, marks,
/// membership changes and images leaving the library.
#[test]
fn kept_counts_of_keywords_and_collections_follow_every_edit() {
    use distillery::db::keywords::{self, Keyword};
    let (_dir, db, ids) = seeded(300);
    let picks = manual(&db, "Picks", &ids[..150]);
    let tagged = ids[100..250].to_vec();
    db.call_blocking(move |c| keywords::add(c, &tagged, &[Keyword::parse("Harbour").unwrap()]))
        .unwrap();
    let check = |db: &Database, moment: &str| {
        for status in StatusFilter::ALL {
            for stars in 0..=5 {
                for scope in [
                    in_collection(picks),
                    MediaFilter {
                        keywords: vec!["harbour".into()],
                        ..MediaFilter::default()
                    },
                ] {
                    let filter = MediaFilter {
                        min_rating: Rating::new(stars).unwrap(),
                        status,
                        ..scope
                    };
                    let scanned = {
                        let filter = filter.clone();
                        db.call_blocking(move |c| media_query::count_by_scan(c, &filter))
                            .unwrap()
                    };
                    assert_eq!(count(db, &filter), scanned, "{moment}: {filter:?}");
                }
            }
        }
    };
    check(&db, "at first");
    let some = ids[90..160].to_vec();
    db.call_blocking(move |c| {
        media::set_rating(c, &some, Rating::new(5).unwrap())?;
        media::set_status(c, &some[..30], Some(CullStatus::Selected))
    })
    .unwrap();
    check(&db, "after rating and marking");
    let out = ids[120..130].to_vec();
    db.call_blocking(move |c| collections::remove(c, picks, &out)).unwrap();
    let gone = ids[140..145].to_vec();
    db.call_blocking(move |c| media::delete(c, &gone)).unwrap();
    check(&db, "after removing from the collection and deleting images");
}
