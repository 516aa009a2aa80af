//! Import against real files: the photo corpus (photo-like pictures in every format and shape
//! the importer must take, with EXIF orientations and other tools' metadata) and the bad-file
//! corpus (each file with the outcome it must have), both made by tests/common/corpus.rs in a
//! temporary folder. Also: re-import finds duplicates, cancel leaves a consistent library, a
//! file that disappears and a full disk give per-file messages and leave nothing behind, and
//! Distillery's own metadata round-trips.

use crate::common;

use common::TempApp;
use common::corpus::{self, Expect};
use distillery::app::AppContext;
use distillery::db::types::MediaId;
use distillery::db::{generations, media};
use distillery::import::{FileOutcome, ImportOptions, ImportReport, import};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

fn run(ctx: &AppContext, picked: &[PathBuf]) -> ImportReport {
    import(
        &ctx.db,
        &ctx.library,
        picked,
        ImportOptions { threads: 2 },
        &AtomicBool::new(false),
        &|_| {},
    )
}

fn files_in(dir: &Path) -> usize {
    common::pipeline::files_under(dir).len()
}

/// Every row has its original and thumbnail, and no file is without a row.
fn assert_consistent(ctx: &AppContext) {
    let rows = ctx.db.call_blocking(media::count_all).unwrap() as usize;
    let root = ctx.library.path();
    assert_eq!(files_in(&root.join("originals")), rows, "one original per row");
    assert_eq!(files_in(&root.join("thumbnails")), rows, "one thumbnail per row");
    let all = common::rows_in_view(&ctx.db, Default::default(), Default::default());
    for item in all {
        assert!(
            ctx.library.resolve(&item.file_path).unwrap().exists(),
            "{}",
            item.file_path
        );
    }
}

fn stored(ctx: &AppContext, id: &MediaId) -> media::Media {
    let id = id.clone();
    ctx.db.call_blocking(move |c| media::get(c, &id)).unwrap().unwrap()
}

#[test]
fn the_photo_and_bad_corpora_import_with_a_reason_for_every_refusal() {
    let made = tempfile::tempdir().unwrap();
    let (photos, bad) = (made.path().join("photos"), made.path().join("bad"));
    let photo_set = corpus::photos(&photos);
    let bad_set = corpus::bad(&bad);
    let app = TempApp::new();
    let ctx = AppContext::open(&app.options()).unwrap();
    let report = run(&ctx, &[photos.clone(), bad.clone()]);
    let imported: HashMap<PathBuf, MediaId> = report.imported.iter().cloned().collect();
    let failed: HashMap<PathBuf, String> = report.failed.iter().cloned().collect();

    // Every photo imports, upright, with its size as displayed.
    for photo in &photo_set {
        let path = photos.join(&photo.file);
        let id = imported
            .get(&path)
            .unwrap_or_else(|| panic!("{} imported: {:?}", photo.file, failed.get(&path)));
        let item = stored(&ctx, id);
        let (width, height) = photo.display;
        assert_eq!(
            (item.width, item.height),
            (Some(width as i32), Some(height as i32)),
            "{}",
            photo.file
        );
        assert_eq!(item.origin, distillery::db::types::Origin::Import);
        assert_eq!(item.file_name, photo.file);
        if photo.orientation != 1 {
            let original = ctx.library.resolve(&item.file_path).unwrap();
            let upright = distillery::library::decode::decode_file(&original).unwrap().to_rgb8();
            let (x, y) = (upright.width() / 50, upright.height() / 2);
            let [r, g, b] = upright.get_pixel(x, y).0;
            assert!(
                r > 200 && g < 60 && b < 60,
                "{}: red block on the left, got {r},{g},{b}",
                photo.file
            );
        }
    }

    // Generation parameters other tools embedded are kept.
    let generation_of = |file: &str| {
        let item = stored(&ctx, &imported[&photos.join(file)]);
        let id = item.generation_id.expect("a generation for embedded parameters");
        ctx.db
            .call_blocking(move |c| generations::get(c, &id))
            .unwrap()
            .unwrap()
    };
    let with_tool = |tool: &str| photo_set.iter().find(|p| p.tool == Some(tool)).unwrap().file.clone();
    for tool in ["automatic1111", "comfyui", "invokeai"] {
        let generation = generation_of(&with_tool(tool));
        assert_eq!(generation.provider, tool);
        assert!(
            generation.prompt.as_deref().is_some_and(|p| !p.is_empty()),
            "{tool} prompt"
        );
        assert!(generation.seed.is_some(), "{tool} seed");
    }
    assert!(
        !generation_of(&with_tool("invokeai")).prompt.unwrap().is_ascii(),
        "a non-Latin-1 prompt"
    );
    assert_eq!(
        generation_of(&with_tool("comfyui")).model_file.as_deref(),
        Some("sd_xl_base_1.0.safetensors"),
        "a model in a subfolder of ComfyUI's is known by its file name"
    );

    // Every bad file has the outcome the corpus asks for.
    let root = process_uid() == 0;
    for entry in &bad_set {
        let path = bad.join(&entry.path);
        let expect = match entry.expect {
            Expect::RejectUnlessRoot | Expect::SkipUnlessRoot if root => Expect::Load,
            Expect::RejectUnlessRoot => Expect::Reject,
            Expect::SkipUnlessRoot => Expect::Skip,
            other => other,
        };
        let name = entry.path.display();
        match expect {
            Expect::Load if entry.is_dir => {}
            Expect::Load => assert!(imported.contains_key(&path), "{name} loads: {:?}", failed.get(&path)),
            Expect::Reject => {
                let reason = failed.get(&path).unwrap_or_else(|| panic!("{name} is refused"));
                assert!(reason.len() > 8 && !reason.contains("Format error"), "{name}: {reason}");
            }
            Expect::Skip => assert!(
                !imported.contains_key(&path) && !failed.contains_key(&path),
                "{name} is skipped quietly"
            ),
            _ => assert!(imported.contains_key(&path) || failed.contains_key(&path), "{name}"),
        }
    }
    let inside = bad.join("dir-cycle/inside.png");
    assert_eq!(
        report
            .imported
            .iter()
            .filter(|(p, _)| p.ends_with("inside.png"))
            .count(),
        1
    );
    assert!(imported.contains_key(&inside), "found once through the cycle");
    assert_consistent(&ctx);

    // Again: everything is already there, nothing is added.
    let before = ctx.db.call_blocking(media::count_all).unwrap();
    let again = run(&ctx, &[photos.clone(), bad.clone()]);
    assert!(again.imported.is_empty(), "{:?}", again.imported);
    assert_eq!(again.already_in_library.len(), report.imported.len());
    assert_eq!(ctx.db.call_blocking(media::count_all).unwrap(), before);
    assert!(again.summary().starts_with("0 imported, "), "{}", again.summary());
    assert_consistent(&ctx);

    // Picked by name, a file of an unknown type says so.
    let odd = run(&ctx, &[bad.join("unsupported.xyz")]);
    assert!(odd.skipped[0].1.contains("not an image type"), "{:?}", odd.skipped);
}

/// The user this test runs as (root can read the corpus's mode-000 files).
fn process_uid() -> u32 {
    use std::os::unix::fs::MetadataExt;
    std::fs::metadata("/proc/self").map_or(1, |m| m.uid())
}

#[test]
fn cancelling_mid_import_leaves_a_consistent_library() {
    let made = tempfile::tempdir().unwrap();
    let photos = made.path().join("photos");
    corpus::photos(&photos);
    let app = TempApp::new();
    let ctx = AppContext::open(&app.options()).unwrap();
    let cancel = AtomicBool::new(false);
    let report = import(
        &ctx.db,
        &ctx.library,
        &[photos],
        ImportOptions { threads: 2 },
        &cancel,
        &|progress| {
            if progress.done >= 5 {
                cancel.store(true, Ordering::Relaxed);
            }
        },
    );
    assert!(report.imported.len() >= 5, "{}", report.summary());
    assert!(report.not_started > 0, "{}", report.summary());
    assert!(report.summary().contains("not imported (cancelled)"));
    assert_consistent(&ctx);
}

#[test]
fn a_vanished_file_and_a_full_disk_are_per_file_messages_that_leave_nothing_behind() {
    let app = TempApp::new();
    let ctx = AppContext::open(&app.options()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let gone = dir.path().join("gone.png");
    let mut timings = Default::default();
    let outcome = distillery::import::import_file(&ctx.db, &ctx.library, &gone, &mut timings);
    assert_eq!(
        outcome,
        FileOutcome::Failed("disappeared before it could be read".into())
    );

    // A library on a 2 MB file system: the first images fit, then the disk is full.
    let small = dir.path().join("small-disk");
    std::fs::create_dir(&small).unwrap();
    let mounted = std::process::Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=2m", "tmpfs"])
        .arg(&small)
        .status()
        .is_ok_and(|s| s.success());
    if !mounted {
        eprintln!("skipping the full-disk case: mounting a small tmpfs needs root");
        return;
    }
    let options = distillery::cli::GlobalOptions {
        library: Some(small.join("library")),
        data_dir: Some(dir.path().join("data")),
        ..Default::default()
    };
    let outcome = std::panic::catch_unwind(|| {
        let ctx = AppContext::open(&options).unwrap();
        let pictures: Vec<PathBuf> = (0..8)
            .map(|i| {
                let path = dir.path().join(format!("noise-{i}.png"));
                image::RgbImage::from_fn(400, 400, |x, y| {
                    let v = (x * 7919 + y * 104729 + i * 31337).wrapping_mul(2654435761);
                    image::Rgb([(v >> 8) as u8, (v >> 16) as u8, (v >> 24) as u8])
                })
                .save(&path)
                .unwrap();
                path
            })
            .collect();
        let report = run(&ctx, &pictures);
        assert!(!report.failed.is_empty(), "the disk fills up: {}", report.summary());
        for (_, reason) in &report.failed {
            assert!(reason.contains("the disk is full"), "{reason}");
        }
        assert_consistent(&ctx);

        // With not one free block left, the first write is the small note that names the
        // files being copied: its failure is the same plain message.
        let filler = small.join("filler");
        let mut file = std::fs::File::create(&filler).unwrap();
        let block = vec![0u8; 4096];
        while std::io::Write::write_all(&mut file, &block).is_ok() {}
        let fresh = dir.path().join("fresh.png");
        image::RgbImage::from_pixel(16, 16, image::Rgb([1, 2, 3]))
            .save(&fresh)
            .unwrap();
        let report = run(&ctx, &[fresh]);
        let reasons: Vec<&String> = report.failed.iter().map(|(_, reason)| reason).collect();
        assert_eq!(reasons.len(), 1, "{}", report.summary());
        assert!(reasons[0].contains("the disk is full"), "{}", reasons[0]);
        assert_consistent(&ctx);
    });
    let _ = std::process::Command::new("umount").arg(&small).status();
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}

#[test]
fn distillery_metadata_round_trips_and_the_cli_reports_failures() {
    use distillery::generation::metadata::{DISTILLERY_KEYWORD, ImageMetadata, PARAMETERS_KEYWORD};
    let dir = tempfile::tempdir().unwrap();
    let meta = ImageMetadata {
        generator: "Distillery".into(),
        version: "0.1.0".into(),
        prompt: "a kite over dunes\nsecond line ☀".into(),
        seed: 4242,
        steps: 4,
        guidance: 3.5,
        sampler: "euler".into(),
        width: 1024,
        height: 688,
        model: "flux2-klein-Q5_K.gguf".into(),
        resolution: 1024,
        aspect: "3:2".into(),
        reference_count: 0,
        generation_id: "g".into(),
        provider: "local".into(),
    };
    let mut png = Vec::new();
    image::RgbImage::from_pixel(64, 43, image::Rgb([20, 90, 200]))
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    let png = distillery::library::png_text::with_text_chunks(
        &png,
        &[
            (PARAMETERS_KEYWORD, &meta.webui_parameters()),
            (DISTILLERY_KEYWORD, &meta.to_json()),
        ],
    )
    .unwrap();
    let file = dir.path().join("made here.png");
    std::fs::write(&file, &png).unwrap();
    let broken = dir.path().join("broken.png");
    std::fs::write(&broken, &png[..png.len() / 3]).unwrap();

    let app = TempApp::new();
    let out = std::process::Command::new(common::distillery_bin())
        .args(app.args())
        .arg("import")
        .args([&file, &broken])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "a failed file fails the command: {stderr}");
    assert!(stderr.contains("broken.png: is incomplete"), "{stderr}");
    assert!(stderr.contains("1 imported, 1 failed"), "{stderr}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let (id, stored_path) = stdout.trim().split_once('\t').expect("MEDIA_ID<TAB>PATH");
    assert!(Path::new(stored_path).exists());

    let ctx = AppContext::open(&app.options()).unwrap();
    let item = stored(&ctx, &MediaId::from_string(id));
    let generation_id = item.generation_id.unwrap();
    let g = ctx
        .db
        .call_blocking(move |c| generations::get(c, &generation_id))
        .unwrap()
        .unwrap();
    assert_eq!(g.provider, "distillery");
    assert_eq!(g.prompt.as_deref(), Some(meta.prompt.as_str()));
    assert_eq!((g.seed, g.steps, g.guidance), (Some(4242), Some(4), Some(3.5)));
    assert_eq!((g.width, g.height), (Some(1024), Some(688)));
    assert_eq!(g.sampling_method.as_deref(), Some("euler"));
    assert_eq!(g.model_file.as_deref(), Some("flux2-klein-Q5_K.gguf"));
    let params: distillery::generation::StoredParams = serde_json::from_str(&g.params_json.unwrap()).unwrap();
    assert_eq!((params.resolution, params.aspect.as_str()), (1024, "3:2"));

    // The same file again: already in the library, exit 0.
    let again = std::process::Command::new(common::distillery_bin())
        .args(app.args())
        .arg("import")
        .arg(&file)
        .output()
        .unwrap();
    assert!(again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("0 imported, 1 already in library"));
}
