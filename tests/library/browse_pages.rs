//! The grid's page cache against a real database: pages continue by keyset from their
//! neighbour, jumps load by offset, the cache stays bounded, and the pages put together are
//! exactly the view's rows in order.

use crate::common;

use common::TempApp;
use distillery::browse::{PAGE_SIZE, PageCache, PageRequest};
use distillery::db::Database;
use distillery::db::media_query::{self, MediaFilter, MediaSort, StatusFilter};
use distillery::db::types::Rating;

fn demo_library(count: u32) -> (TempApp, Database) {
    let app = common::ui::demo(count);
    let db = app.database();
    (app, db)
}

fn load(db: &Database, cache: &PageCache, request: PageRequest) -> Vec<distillery::db::media_query::ViewItem> {
    let (filter, sort) = (cache.filter(), cache.sort());
    db.call_blocking(move |c| request.load(c, &filter, sort)).unwrap()
}

#[test]
fn pages_assemble_into_the_view_in_order_and_the_cache_stays_bounded() {
    let (_app, db) = demo_library(2_500);
    for (filter, sort) in [
        (MediaFilter::default(), MediaSort::NewestFirst),
        (
            MediaFilter {
                min_rating: Rating::new(2).unwrap(),
                status: StatusFilter::All,
                search: None,
                ..Default::default()
            },
            MediaSort::HighestRated,
        ),
        (
            MediaFilter {
                min_rating: Rating::UNRATED,
                status: StatusFilter::Unmarked,
                search: None,
                ..Default::default()
            },
            MediaSort::OldestFirst,
        ),
    ] {
        let (counted, paged) = (filter.clone(), filter.clone());
        let total = db.call_blocking(move |c| media_query::count(c, &counted)).unwrap() as usize;
        let expected = db
            .call_blocking(move |c| media_query::page(c, &paged, sort, None, 10_000))
            .unwrap();
        assert_eq!(expected.len(), total);
        let mut cache = PageCache::new(filter.clone(), sort, total);

        // Scrolling down page by page: the first page by offset, the rest by keyset.
        for index in (0..total).step_by(PAGE_SIZE) {
            let request = cache.request_for(index).expect("a missing page is requested");
            assert!(
                cache.request_for(index).is_none(),
                "a page on its way is not asked for twice"
            );
            if index > 0 {
                assert!(
                    matches!(request, PageRequest::After { .. }),
                    "page {} continues from its neighbour",
                    request.page()
                );
            }
            let items = load(&db, &cache, request.clone());
            cache.insert(request.page(), items);
        }
        for (index, item) in expected.iter().enumerate() {
            assert_eq!(
                cache.peek(index).map(|m| &m.id),
                Some(&item.id),
                "{filter:?} {sort:?} at {index}"
            );
        }
        assert!(cache.get(total).is_none());
    }

    // A jump loads by offset; the cache keeps at most 40 pages.
    let total = 2_500;
    let mut cache = PageCache::new(MediaFilter::default(), MediaSort::NewestFirst, total);
    let jump = cache.request_for(1_700).unwrap();
    assert!(matches!(jump, PageRequest::Offset { offset: 1_600, .. }), "{jump:?}");
    for page in 0..60 {
        cache.insert(page, Vec::new());
    }
    assert_eq!(cache.pages_held(), 40);
}

/// A view's count and first page come from one snapshot: while another connection (another
/// process, in real use) keeps rating images in and out of a 5-star filter, every snapshot's
/// count is exactly the number of items its page shows.
#[test]
fn the_count_and_the_first_page_agree_while_another_connection_writes() {
    let (app, db) = demo_library(60);
    let ids: Vec<_> = db
        .call_blocking(|c| media_query::page(c, &MediaFilter::default(), MediaSort::NewestFirst, None, 100))
        .unwrap()
        .into_iter()
        .map(|item| item.id)
        .collect();
    let writer_db = app.database();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    // The reader waits for the writer's progress, not for a clock: on a busy machine the
    // writer may get few turns while the reader takes its snapshots.
    let rounds_done = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let writer = {
        let stop = stop.clone();
        let rounds_done = rounds_done.clone();
        std::thread::spawn(move || {
            let mut round = 0usize;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                // Five at a time, each in its own transaction, in and out of the filter.
                let batch: Vec<_> = ids.iter().cycle().skip(round * 5).take(5).cloned().collect();
                let stars = if round.is_multiple_of(2) { 5 } else { 1 };
                writer_db
                    .call_blocking(move |c| distillery::db::media::set_rating(c, &batch, Rating::new(stars).unwrap()))
                    .unwrap();
                round += 1;
                rounds_done.store(round, std::sync::atomic::Ordering::Relaxed);
            }
            round
        })
    };
    let five_stars = MediaFilter {
        min_rating: Rating::new(5).unwrap(),
        status: StatusFilter::All,
        search: None,
        ..Default::default()
    };
    let mut counts = std::collections::BTreeSet::new();
    let mut taken = 0;
    let writer_rounds = || rounds_done.load(std::sync::atomic::Ordering::Relaxed);
    while (taken < 300 || counts.len() < 2 || writer_rounds() <= 10) && taken < 200_000 {
        taken += 1;
        let filter = five_stars.clone();
        let snapshot = db
            .call_blocking(move |c| media_query::view_snapshot(c, &filter, MediaSort::NewestFirst, PAGE_SIZE as u32))
            .unwrap();
        assert!(snapshot.filtered <= PAGE_SIZE as i64);
        assert_eq!(
            snapshot.first_page.len() as i64,
            snapshot.filtered,
            "the count and the page are of the same moment"
        );
        assert_eq!(snapshot.total, 60);
        counts.insert(snapshot.filtered);
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let rounds = writer.join().unwrap();
    assert!(rounds > 10, "the writer ran ({rounds} rounds)");
    assert!(counts.len() > 1, "the view saw the filter's count change: {counts:?}");
}
