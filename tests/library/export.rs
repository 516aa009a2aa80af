//! Export of real library files: 50 images in every format, size and metadata choice, names
//! from templates, nothing ever overwritten (a second export into the same folder gets
//! " (2)" names and the first files stay byte for byte), and a cancel — from the service or
//! Ctrl+C on `distillery export` — leaves no partial file behind.

use crate::common;

use common::processes::{distillery, finish, signal, spawn, stderr};
use common::ui::demo;
use distillery::app::AppContext;
use distillery::db::keywords::{self, Keyword};
use distillery::db::media_query::{self, MediaFilter, MediaSort};
use distillery::db::types::{MediaId, Rating};
use distillery::export::{ExportFormat, ExportOptions, ExportSize, MetadataChoice, NameTemplate};
use distillery::services::exporting::{ExportOutcome, export};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

fn options(folder: &Path, format: ExportFormat, size: ExportSize, metadata: MetadataChoice) -> ExportOptions {
    ExportOptions {
        folder: folder.to_owned(),
        format,
        size,
        quality: 80,
        names: NameTemplate::parse("{counter}_{prompt}").unwrap(),
        metadata,
    }
}

/// Every image of the library, newest first.
fn library_ids(ctx: &AppContext) -> Vec<MediaId> {
    ctx.db
        .call_blocking(|c| media_query::page(c, &MediaFilter::default(), MediaSort::NewestFirst, None, 1000))
        .unwrap()
        .into_iter()
        .map(|item| item.id)
        .collect()
}

fn files_in(folder: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(folder)
        .map(|entries| entries.map(|e| e.unwrap().path()).collect())
        .unwrap_or_default();
    files.sort();
    files
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle.as_bytes())
}

#[test]
fn fifty_images_in_every_format_size_and_metadata_choice_never_overwriting() {
    let app = demo(50);
    let ctx = AppContext::open(&app.options()).unwrap();
    let ids = library_ids(&ctx);
    assert_eq!(ids.len(), 50);
    let tagged = ids[..10].to_vec();
    ctx.db
        .call_blocking(move |c| {
            keywords::add(c, &tagged, &[Keyword::parse("Places|Europe|Lisbon").unwrap()])?;
            distillery::db::media::set_rating(c, &tagged, Rating::new(4).unwrap())
        })
        .unwrap();
    // The first generated image, to check its prompt and size.
    let all = ids.clone();
    let (probe, prompt, original_size) = ctx
        .db
        .call_blocking(move |c| {
            for id in all {
                let row = distillery::db::media::get(c, &id)?.unwrap();
                if let Some(generation) = &row.generation_id {
                    let generation = distillery::db::generations::get(c, generation)?.unwrap();
                    let size = (row.width.unwrap() as u32, row.height.unwrap() as u32);
                    return Ok((id, generation.prompt.unwrap(), size));
                }
            }
            panic!("the demo library has generated images");
        })
        .unwrap();
    let out = tempfile::tempdir().unwrap();
    let never = AtomicBool::new(false);
    let cases = [
        (ExportFormat::Png, ExportSize::Original, MetadataChoice::Keep),
        (ExportFormat::Jpeg, ExportSize::LongEdge(300), MetadataChoice::Xmp),
        (ExportFormat::Webp, ExportSize::LongEdge(200), MetadataChoice::Strip),
        (ExportFormat::Jpeg, ExportSize::Original, MetadataChoice::Strip),
        (ExportFormat::Webp, ExportSize::LongEdge(5000), MetadataChoice::Keep),
    ];
    for (n, (format, size, metadata)) in cases.into_iter().enumerate() {
        let folder = out.path().join(format!("case{n}"));
        let opts = options(&folder, format, size, metadata);
        let summary = export(&ctx.db, &ctx.library, &ids, &opts, &never, &|_| {}).unwrap();
        assert_eq!(summary.written.len(), 50, "{format:?} {size:?}: {:?}", summary.failed);
        let written = files_in(&folder);
        assert_eq!(written.len(), 50, "no temporary file is left");
        for (index, (id, path)) in summary.written.iter().enumerate() {
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            assert!(name.starts_with(&format!("{:04}_", index + 1)), "{name}");
            assert!(name.ends_with(&format!(".{}", format.extension())), "{name}");
            let bytes = std::fs::read(path).unwrap();
            let decoded = image::load_from_memory(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
            let (w, h) = (decoded.width(), decoded.height());
            if *id == probe {
                match size {
                    ExportSize::Original => assert_eq!((w, h), original_size, "{name}"),
                    ExportSize::LongEdge(edge) => {
                        let expected_long = edge.min(original_size.0.max(original_size.1));
                        assert_eq!(w.max(h), expected_long, "{name}: never enlarged");
                        let ratio = |a: u32, b: u32| f64::from(a) / f64::from(b);
                        assert!(
                            (ratio(w, h) - ratio(original_size.0, original_size.1)).abs() < 0.02,
                            "{name}"
                        );
                    }
                }
                let first_words = prompt.split_whitespace().next().unwrap().to_lowercase();
                assert!(name.contains(&first_words), "{name} names the prompt");
            }
            let packet = distillery::xmp::extract(&bytes);
            match metadata {
                MetadataChoice::Strip => {
                    assert!(
                        packet.is_none() && !contains(&bytes, "xmpmeta"),
                        "{name} carries no metadata"
                    );
                }
                MetadataChoice::Xmp | MetadataChoice::Keep => {
                    let fields = distillery::xmp::parse(&packet.expect("a packet")).unwrap();
                    if index < 10 {
                        assert_eq!(fields.rating, Some(4), "{name}");
                        assert_eq!(fields.keywords, vec!["Places|Europe|Lisbon".to_owned()], "{name}");
                    }
                }
            }
            if *id == probe {
                let has_prompt = contains(&bytes, &prompt);
                assert_eq!(
                    has_prompt,
                    metadata == MetadataChoice::Keep,
                    "{name}: the prompt only when kept"
                );
            }
        }
    }
    // Again into a folder that has them all: new names, the old files untouched.
    let folder = out.path().join("case1");
    let before: Vec<(PathBuf, Vec<u8>)> = files_in(&folder)
        .into_iter()
        .map(|p| (p.clone(), std::fs::read(&p).unwrap()))
        .collect();
    let again = export(
        &ctx.db,
        &ctx.library,
        &ids[..5],
        &options(
            &folder,
            ExportFormat::Jpeg,
            ExportSize::LongEdge(300),
            MetadataChoice::Xmp,
        ),
        &never,
        &|_| {},
    )
    .unwrap();
    for (_, path) in &again.written {
        assert!(path.to_string_lossy().ends_with(" (2).jpg"), "{}", path.display());
    }
    for (path, bytes) in before {
        assert_eq!(
            std::fs::read(&path).unwrap(),
            bytes,
            "{} was not overwritten",
            path.display()
        );
    }
    assert_eq!(files_in(&folder).len(), 55);
}

#[test]
fn a_cancel_stops_between_images_and_leaves_no_partial_file() {
    let app = demo(50);
    let ctx = AppContext::open(&app.options()).unwrap();
    let ids = library_ids(&ctx);
    let out = tempfile::tempdir().unwrap();
    let cancel = AtomicBool::new(false);
    let summary = export(
        &ctx.db,
        &ctx.library,
        &ids,
        &options(
            out.path(),
            ExportFormat::Png,
            ExportSize::Original,
            MetadataChoice::Keep,
        ),
        &cancel,
        &|progress| {
            assert!(matches!(progress.outcome, ExportOutcome::Written(_)));
            if progress.done == 5 {
                cancel.store(true, Ordering::SeqCst);
            }
        },
    )
    .unwrap();
    assert!(summary.cancelled);
    assert_eq!((summary.written.len(), summary.not_started), (5, 45));
    assert_eq!(
        files_in(out.path()).len(),
        5,
        "only whole files: {:?}",
        files_in(out.path())
    );
    // A cancel that arrives while an image is being written: the file is never named.
    let cancelled = AtomicBool::new(true);
    let problem = distillery::export::write_new(out.path(), "late", "png", b"bytes", &cancelled).unwrap_err();
    assert!(matches!(problem, distillery::export::WriteProblem::Cancelled));
    assert_eq!(files_in(out.path()).len(), 5);

    // Ctrl+C on the command line, at full size: what was printed is there, and nothing else.
    let cli_out = tempfile::tempdir().unwrap();
    let running = spawn(distillery(
        &app,
        &[
            "export",
            "--out",
            cli_out.path().to_str().unwrap(),
            "--format",
            "png",
            "--metadata",
            "keep",
        ],
        &[],
    ));
    let first = running.next_line(Duration::from_secs(60)).expect("a first file");
    signal(running.pid(), "INT");
    let output = finish(running, Duration::from_secs(60), "export");
    let printed = String::from_utf8_lossy(&output.stdout).lines().count();
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(stderr(&output).contains("cancelled"), "{}", stderr(&output));
    let files = files_in(cli_out.path());
    assert!(
        files
            .iter()
            .all(|f| !f.file_name().unwrap().to_string_lossy().starts_with('.')),
        "{files:?}"
    );
    assert_eq!(files.len(), printed, "{first}: {files:?}");
    assert!(printed < 50, "the export stopped early ({printed})");
    for file in files {
        image::open(&file).unwrap_or_else(|e| panic!("{} is whole: {e}", file.display()));
    }
}
