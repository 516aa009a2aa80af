//! Keyword and collection views on a 1,000,000-item library (`ORGANISE_BENCH_COUNT` to
//! change): the count and first page the grid asks for when one is chosen, and a page deep
//! inside it, in every order; then writing XMP sidecars, and exporting 50 images against
//! libvips' `vips thumbnail` when it is installed. Prints medians and 95th percentiles.

mod common;

use common::{median, ms};
use diesel::connection::SimpleConnection;
use distillery::browse::PAGE_SIZE;
use distillery::db::collections::{self, CollectionName};
use distillery::db::media_query::{self, Cursor, MediaFilter, MediaSort, StatusFilter};
use distillery::db::types::{MediaId, Origin, Rating};
use distillery::db::{Database, open_database};
use std::path::PathBuf;
use std::time::{Duration, Instant};

fn p95(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[(samples.len() * 95 / 100).min(samples.len() - 1)]
}

/// A library of `n` rows made in SQL, with keywords on 30 % ("harbour") and 5 % ("boat") of
/// the images and a manual collection of 20 %; kept in target/ and reused.
fn library(n: usize) -> (Database, distillery::db::collections::CollectionId) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("target/bench-organise-{n}"));
    let fresh = !dir.join("d.db").exists();
    std::fs::create_dir_all(&dir).unwrap();
    let db = open_database(&dir.join("d.db")).unwrap().db;
    if fresh {
        let started = Instant::now();
        db.call_blocking(move |c| {
            c.batch_execute(&format!(
                "BEGIN;
                 INSERT INTO generations (id, provider, model_file, prompt, status, created_at)
                     VALUES ('g', 'local', 'FLUX.2 Klein 4B', 'a harbour', 'completed', '2026-01-01T00:00:00.000Z');
                 WITH RECURSIVE k(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM k WHERE i + 1 < {n})
                 INSERT INTO media (id, file_path, file_name, media_type, origin, width, height, rating, status,
                                    generation_id, created_at, updated_at)
                 SELECT printf('m%07d', i), printf('originals/m%07d.png', i), printf('picture %d.png', i), 'image',
                        CASE WHEN i % 4 = 0 THEN 'import' ELSE 'generation' END, 64, 64, (i * 7) % 6,
                        CASE (i / 7) % 5 WHEN 0 THEN 'selected' WHEN 1 THEN 'rejected' END,
                        CASE WHEN i % 4 = 0 THEN NULL ELSE 'g' END,
                        strftime('%Y-%m-%dT%H:%M:%S.000Z', '2020-01-01', printf('+%d seconds', i * 97)),
                        '2026-01-01T00:00:00.000Z'
                 FROM k;
                 INSERT INTO keywords (name, folded, created_at) VALUES ('harbour', 'harbour', '2026'), ('boat', 'boat', '2026');
                 INSERT INTO media_keywords (keyword_id, media_id, rating, status, created_at)
                     SELECT 1, id, rating, status, created_at FROM media WHERE rowid % 10 < 3;
                 INSERT INTO media_keywords (keyword_id, media_id, rating, status, created_at)
                     SELECT 2, id, rating, status, created_at FROM media WHERE rowid % 20 = 1;
                 INSERT INTO collections (name, folded, created_at) VALUES ('Picks', 'picks', '2026');
                 INSERT INTO collection_media (collection_id, media_id, rating, status, created_at)
                     SELECT 1, id, rating, status, created_at FROM media WHERE rowid % 5 = 2;
                 COMMIT;
                 ANALYZE;"
            ))?;
            Ok(())
        })
        .unwrap();
        println!("made the {n}-item library in {:.1} s", started.elapsed().as_secs_f64());
    }
    let id = db
        .call_blocking(|c| {
            Ok(collections::find(c, &CollectionName::parse("Picks").unwrap())?
                .unwrap()
                .id)
        })
        .unwrap();
    (db, id)
}

fn timed<T: Send + 'static>(
    db: &Database,
    runs: usize,
    work: impl Fn(&mut diesel::SqliteConnection) -> T + Send + Sync + Clone + 'static,
) -> (Duration, Duration) {
    let mut samples = Vec::with_capacity(runs);
    for _ in 0..runs {
        let work = work.clone();
        let started = Instant::now();
        db.call_blocking(move |c| Ok(work(c))).unwrap();
        samples.push(started.elapsed());
    }
    (median(samples.clone()), p95(samples))
}

fn views(picks: distillery::db::collections::CollectionId) -> Vec<(&'static str, MediaFilter)> {
    let harbour = || vec!["harbour".to_owned()];
    vec![
        (
            "keyword “harbour” (300k)",
            MediaFilter {
                keywords: harbour(),
                ..Default::default()
            },
        ),
        (
            "keyword, ★3+",
            MediaFilter {
                keywords: harbour(),
                min_rating: Rating::new(3).unwrap(),
                ..Default::default()
            },
        ),
        (
            "keywords harbour + boat",
            MediaFilter {
                keywords: vec!["harbour".into(), "boat".into()],
                ..Default::default()
            },
        ),
        (
            "collection (200k)",
            MediaFilter {
                collection: Some(picks),
                ..Default::default()
            },
        ),
        (
            "collection, selected",
            MediaFilter {
                collection: Some(picks),
                status: StatusFilter::Selected,
                ..Default::default()
            },
        ),
        (
            "collection, imported",
            MediaFilter {
                collection: Some(picks),
                origin: Some(Origin::Import),
                ..Default::default()
            },
        ),
        (
            "library, generated",
            MediaFilter {
                origin: Some(Origin::Generation),
                ..Default::default()
            },
        ),
    ]
}

fn main() {
    let n: usize = std::env::var("ORGANISE_BENCH_COUNT")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    let (db, picks) = library(n);
    println!("\nKeyword and collection views, {n} items, 41 runs each\n");
    println!("| view | sort | first page (count + {PAGE_SIZE}) median | p95 | deep page median | p95 | goal |");
    println!("|---|---|---|---|---|---|---|");
    let mut worst = Duration::ZERO;
    for (label, filter) in views(picks) {
        for sort in MediaSort::ALL {
            let first = {
                let filter = filter.clone();
                timed(&db, 41, move |c| {
                    media_query::view_snapshot(c, &filter, sort, PAGE_SIZE as u32).unwrap()
                })
            };
            // A page from the middle of the view, continued by keyset as scrolling does.
            let middle: Option<Cursor> = {
                let filter = filter.clone();
                db.call_blocking(move |c| {
                    let count = media_query::count(c, &filter)?;
                    let at = media_query::page_at_offset(c, &filter, sort, (count / 2) as u64, 1)?;
                    Ok(at.first().map(Cursor::after))
                })
                .unwrap()
            };
            let deep = {
                let filter = filter.clone();
                timed(&db, 41, move |c| {
                    media_query::page(c, &filter, sort, middle.as_ref(), PAGE_SIZE as u32).unwrap()
                })
            };
            worst = worst.max(first.1).max(deep.1);
            println!(
                "| {label} | {sort:?} | {} | {} | {} | {} | < 5 ms |",
                ms(first.0),
                ms(first.1),
                ms(deep.0),
                ms(deep.1)
            );
        }
    }
    println!("\nworst p95: {}", ms(worst));
    sidecars();
    export_against_vips();
}

/// Writing a sidecar as a rating change would: the packet, then an atomic write.
fn sidecars() {
    let dir = tempfile::tempdir().unwrap();
    let fields = distillery::xmp::XmpFields {
        rating: Some(4),
        rejected: Some(false),
        selected: Some(true),
        label: None,
        keywords: vec!["Places|Europe|Lisbon".into(), "harbour".into(), "boat".into()],
    };
    let mut samples = Vec::new();
    for i in 0..1000 {
        let image = dir.path().join(format!("{i}.png"));
        let started = Instant::now();
        let packet = distillery::xmp::to_packet(&fields, None, false);
        distillery::library::files::write_atomically(&distillery::xmp::sidecar_for_writing(&image), packet.as_bytes())
            .unwrap();
        samples.push(started.elapsed());
    }
    println!(
        "\nXMP sidecar written (packet + atomic write with fsync), 1000 files: median {}, p95 {}",
        ms(median(samples.clone())),
        ms(p95(samples))
    );
}

/// 50 demo images to JPEG, long edge 512, quality 85: our export against `vips thumbnail`.
fn export_against_vips() {
    use distillery::export::{ExportFormat, ExportOptions, ExportSize, MetadataChoice, NameTemplate};
    let dir = common::demo_library("export", 50);
    let ctx = distillery::app::AppContext::open(&common::options(&dir)).unwrap();
    let ids: Vec<MediaId> = ctx
        .db
        .call_blocking(|c| media_query::page(c, &MediaFilter::default(), MediaSort::NewestFirst, None, 50))
        .unwrap()
        .into_iter()
        .map(|item| item.id)
        .collect();
    let out = tempfile::tempdir().unwrap();
    let options = ExportOptions {
        folder: out.path().join("ours"),
        format: ExportFormat::Jpeg,
        size: ExportSize::LongEdge(512),
        quality: 85,
        names: NameTemplate::parse("{counter}").unwrap(),
        metadata: MetadataChoice::Strip,
    };
    let started = Instant::now();
    let never = std::sync::atomic::AtomicBool::new(false);
    let summary =
        distillery::services::exporting::export(&ctx.db, &ctx.library, &ids, &options, &never, &|_| {}).unwrap();
    let ours = started.elapsed();
    println!(
        "\nExport of {} images (JPEG, long edge 512, q85): Distillery {:.0} ms ({:.1} ms per image, one thread)",
        summary.written.len(),
        ours.as_secs_f64() * 1000.0,
        ours.as_secs_f64() * 1000.0 / summary.written.len() as f64
    );
    let originals: Vec<PathBuf> = ids
        .iter()
        .map(|id| {
            let id = id.clone();
            let row = ctx
                .db
                .call_blocking(move |c| distillery::db::media::get(c, &id))
                .unwrap()
                .unwrap();
            ctx.library.path().join(row.file_path)
        })
        .collect();
    let vips_out = out.path().join("vips");
    std::fs::create_dir_all(&vips_out).unwrap();
    let started = Instant::now();
    for (i, original) in originals.iter().enumerate() {
        let target = vips_out.join(format!("{i}.jpg[Q=85,strip]"));
        match std::process::Command::new("vips")
            .args([
                "thumbnail",
                &original.display().to_string(),
                &target.display().to_string(),
                "512",
            ])
            .status()
        {
            Ok(status) if status.success() => {}
            _ => {
                println!("vips is not installed (apt install libvips-tools): comparison skipped");
                return;
            }
        }
    }
    let vips = started.elapsed();
    println!(
        "vips thumbnail, one process per image: {:.0} ms ({:.1} ms per image); ratio Distillery/vips {:.2}",
        vips.as_secs_f64() * 1000.0,
        vips.as_secs_f64() * 1000.0 / originals.len() as f64,
        ours.as_secs_f64() / vips.as_secs_f64()
    );
}
