//! `distillery demo-library --count N`: fills the library with N distinct-looking items for
//! designers and benchmarks. A few hundred pictures are painted with the simulated engine's
//! pattern code, then hard-linked into the library layout under new ids (so 100,000 items
//! cost little disk), with varied ratings, statuses, dates, prompts, sizes and origins.

use super::AppContext;
use crate::cli::{DemoLibraryArgs, GlobalOptions};
use crate::db::generations::NewGeneration;
use crate::db::media::NewMedia;
use crate::db::types::{CullStatus, GenerationId, GenerationStatus, MediaId, MediaType, Origin, Rating, Timestamp};
use crate::db::{generations, media};
use crate::library::files::write_atomically;
use crate::library::store::planned_paths;
use crate::library::synthetic::render;
use crate::library::thumbnails::thumbnail_jpeg;
use crate::library::{LibraryFolder, LibraryRoot};
use anyhow::Context as _;
use std::path::PathBuf;
use std::time::Instant;

/// Distinct pictures painted; items beyond this share files (but not ids or rows).
const DISTINCT: usize = 160;
const BATCH: usize = 2000;

const SUBJECTS: &[&str] = &[
    "a lighthouse on a cliff",
    "city street at night, neon reflections",
    "a fox in fresh snow",
    "portrait of a cellist",
    "a bowl of ripe figs",
    "desert dunes at dawn",
    "a greenhouse full of ferns",
    "an old tram in the rain",
    "a glass of iced coffee",
    "mountain lake, mirror calm",
    "a vintage motorcycle",
    "a crowded night market",
];
const STYLES: &[&str] = &[
    "35mm film, soft grain",
    "studio lighting, seamless backdrop",
    "overcast, muted palette",
    "golden hour",
    "long exposure",
    "flat lay, top down",
    "cinematic, anamorphic flare",
    "high key, minimal",
];
const SIZES: &[(u32, u32)] = &[(1024, 1024), (1024, 688), (688, 1024), (1024, 576), (816, 1024)];

struct Source {
    original: PathBuf,
    thumbnail: PathBuf,
    width: u32,
    height: u32,
    bytes: u64,
    prompt: String,
    seed: i64,
}

/// A cheap, well-spread hash of an index, so the data looks varied but is reproducible.
fn mix(index: u64, salt: u64) -> u64 {
    let mut x = index.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ salt;
    x ^= x >> 31;
    x = x.wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x ^ (x >> 29)
}

pub fn run(global: &GlobalOptions, args: &DemoLibraryArgs) -> anyhow::Result<()> {
    AppContext::run_with(global, |ctx| make_demo_library(ctx, args))
}

fn make_demo_library(ctx: &AppContext, args: &DemoLibraryArgs) -> anyhow::Result<()> {
    ctx.require_writable()?;
    let started = Instant::now();
    let count = args.count as usize;
    let sources = paint_sources(&ctx.library, count.min(DISTINCT))?;
    eprintln!(
        "Painted {} distinct pictures in {:.1} s.",
        sources.len(),
        started.elapsed().as_secs_f64()
    );

    let now = time::OffsetDateTime::now_utc();
    let two_years = time::Duration::days(730);
    let mut done = 0;
    while done < count {
        let end = (done + BATCH).min(count);
        let mut rows = Vec::with_capacity(end - done);
        let mut generation_rows = Vec::new();
        for index in done..end {
            let source = &sources[index % sources.len()];
            let id = MediaId::new();
            // Newest first in index order, with some jitter.
            let age = two_years * (index as f64 / count.max(1) as f64) as f32;
            let created = now - age - time::Duration::seconds((mix(index as u64, 1) % 600) as i64);
            let (file_path, thumb_path) = planned_paths(&id, created);
            let original = ctx.library.resolve(&file_path)?;
            let thumbnail = ctx.library.resolve(&thumb_path)?;
            for dir in [original.parent(), thumbnail.parent()].into_iter().flatten() {
                std::fs::create_dir_all(dir)?;
            }
            link_or_copy(&source.original, &original)?;
            link_or_copy(&source.thumbnail, &thumbnail)?;

            let generated = mix(index as u64, 2) % 10 < 7;
            let generation_id = generated.then(GenerationId::new);
            if let Some(generation_id) = &generation_id {
                generation_rows.push(NewGeneration {
                    id: generation_id.clone(),
                    base_model_id: None,
                    provider: "local".into(),
                    model_file: Some(super::DEMO_MODEL.into()),
                    prompt: Some(source.prompt.clone()),
                    width: Some(source.width as i32),
                    height: Some(source.height as i32),
                    seed: Some(source.seed),
                    steps: Some(4),
                    guidance: Some(3.5),
                    sampling_method: Some("euler".into()),
                    params_json: None,
                    status: GenerationStatus::Completed,
                    created_at: Timestamp::from_datetime(created).as_str().to_owned(),
                });
            }
            let rating = match mix(index as u64, 3) % 100 {
                0..45 => 0,
                45..60 => 1,
                60..72 => 2,
                72..84 => 3,
                84..94 => 4,
                _ => 5,
            };
            let status = match mix(index as u64, 4) % 100 {
                0..12 => Some(CullStatus::Selected),
                12..22 => Some(CullStatus::Rejected),
                _ => None,
            };
            let item = NewMedia {
                id,
                file_path,
                thumb_path: Some(thumb_path),
                file_name: if generated {
                    format!("{}.png", source.seed)
                } else {
                    format!("IMG_{:05}.png", index % 100_000)
                },
                media_type: MediaType::Image,
                origin: if generated { Origin::Generation } else { Origin::Import },
                width: Some(source.width as i32),
                height: Some(source.height as i32),
                file_size: Some(source.bytes as i64),
                generation_id,
                created_at: Timestamp::from_datetime(created),
                // Demo items share their pictures: no identity by content.
                content_hash: None,
            };
            rows.push((item, Rating::new(rating).unwrap_or_default(), status));
        }
        ctx.db.call_blocking(move |conn| {
            crate::db::transaction::write(conn, |conn| {
                generations::insert_many(conn, &generation_rows)?;
                media::insert_many(conn, &rows)
            })
        })?;
        done = end;
        if done % 20_000 == 0 || done == count {
            eprintln!("{done} of {count} items ({:.1} s)", started.elapsed().as_secs_f64());
        }
    }
    let _ = std::fs::remove_dir_all(ctx.library.folder(LibraryFolder::Tmp)?.join("demo-sources"));
    eprintln!(
        "Filled {} with {count} items in {:.1} s.",
        ctx.library.path().display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

fn link_or_copy(from: &std::path::Path, to: &std::path::Path) -> anyhow::Result<()> {
    if std::fs::hard_link(from, to).is_err() {
        std::fs::copy(from, to).with_context(|| format!("cannot write {}", to.display()))?;
    }
    Ok(())
}

/// Paints `count` pictures and their thumbnails on two threads.
fn paint_sources(library: &LibraryRoot, count: usize) -> anyhow::Result<Vec<Source>> {
    let dir = library.folder(LibraryFolder::Tmp)?.join("demo-sources");
    std::fs::create_dir_all(&dir)?;
    let paint = |index: usize| -> anyhow::Result<Source> {
        let prompt = format!(
            "{}, {}",
            SUBJECTS[mix(index as u64, 5) as usize % SUBJECTS.len()],
            STYLES[mix(index as u64, 6) as usize % STYLES.len()]
        );
        let seed = (mix(index as u64, 7) % 0x7FFF_FFFF) as i64;
        let (width, height) = SIZES[index % SIZES.len()];
        let picture = render(&prompt, seed, width, height, &[]);
        let mut png = Vec::new();
        picture.write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)?;
        let original = dir.join(format!("{index}.png"));
        write_atomically(&original, &png)?;
        let thumb = thumbnail_jpeg(&image::DynamicImage::ImageRgb8(picture)).map_err(anyhow::Error::msg)?;
        let thumbnail = dir.join(format!("{index}_thumb.jpg"));
        write_atomically(&thumbnail, &thumb)?;
        Ok(Source {
            original,
            thumbnail,
            width,
            height,
            bytes: png.len() as u64,
            prompt,
            seed,
        })
    };
    let halves: Vec<anyhow::Result<Vec<Source>>> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..2)
            .map(|worker| {
                scope.spawn(move || {
                    (worker..count)
                        .step_by(2)
                        .map(paint)
                        .collect::<anyhow::Result<Vec<_>>>()
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().unwrap_or_else(|_| Err(anyhow::anyhow!("painting failed"))))
            .collect()
    });
    let mut sources = Vec::with_capacity(count);
    for half in halves {
        sources.extend(half?);
    }
    Ok(sources)
}
