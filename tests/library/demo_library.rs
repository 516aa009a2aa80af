//! `distillery demo-library --count N` fills a library with distinct-looking items cheaply.

use crate::common;

use common::{TempApp, distillery_bin};
use distillery::db::media;
use distillery::db::media_query::{self, MediaFilter, MediaSort, StatusFilter};
use distillery::db::types::Rating;
use std::os::unix::fs::MetadataExt;
use std::process::Command;

#[test]
fn fills_the_library_with_varied_linked_items() {
    let app = TempApp::new();
    let output = Command::new(distillery_bin())
        .args(app.args())
        .args(["demo-library", "--count", "400"])
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );

    let db = app.database();
    assert_eq!(db.call_blocking(media::count_all).unwrap(), 400);
    let newest = common::rows_in_view(&db, MediaFilter::default(), MediaSort::NewestFirst);
    let root = app.library_dir();
    let mut linked = 0;
    for item in &newest {
        let original = root.join(&item.file_path);
        let thumbnail = root.join(item.thumb_path.as_ref().unwrap());
        assert!(image::image_dimensions(&original).is_ok(), "{original:?}");
        assert_eq!(image::image_dimensions(&thumbnail).unwrap(), (400, 400));
        if std::fs::metadata(&original).unwrap().nlink() > 1 {
            linked += 1;
        }
    }
    assert!(linked >= 300, "files are shared by hard links ({linked} of 400)");
    let distinct: std::collections::HashSet<_> = newest.iter().map(|m| (m.width, m.height)).collect();
    assert!(distinct.len() >= 4, "several sizes: {distinct:?}");
    for (filter, at_least) in [
        (
            MediaFilter {
                min_rating: Rating::new(5).unwrap(),
                status: StatusFilter::All,
                search: None,
                ..Default::default()
            },
            10,
        ),
        (
            MediaFilter {
                min_rating: Rating::UNRATED,
                status: StatusFilter::Selected,
                search: None,
                ..Default::default()
            },
            20,
        ),
        (
            MediaFilter {
                min_rating: Rating::UNRATED,
                status: StatusFilter::Rejected,
                search: None,
                ..Default::default()
            },
            20,
        ),
    ] {
        let counted = filter.clone();
        let count = db.call_blocking(move |c| media_query::count(c, &counted)).unwrap();
        assert!(count >= at_least, "{filter:?}: {count}");
    }
    assert!(newest.windows(2).all(|w| w[0].created_at >= w[1].created_at));
    assert!(newest.iter().any(|m| m.generation_id.is_some()) && newest.iter().any(|m| m.generation_id.is_none()));
}
