//! Hostile and broken inputs through the real command line: a TIFF that makes its decoder
//! panic, named pipes and devices given as references and imports, a JPEG cut in half, an
//! image larger than the decode budget, absurd embedded parameters, and an engine that
//! floods its stderr. Each gets a clear reason, nothing else is lost, and no process exits
//! with a panic (101) or hangs.

use crate::common;

use common::TempApp;
use common::processes::{distillery, finish, spawn, stderr};
use std::path::{Path, PathBuf};
use std::process::Output;
use std::time::Duration;

const LIMIT: Duration = Duration::from_secs(60);

fn seed(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/fuzz-seeds")
        .join(name)
}

fn run(app: &TempApp, args: &[&str], env: &[(&str, &str)]) -> Output {
    finish(spawn(distillery(app, args, env)), LIMIT, &args.join(" "))
}

#[test]
fn a_tiff_that_panics_its_decoder_is_one_failed_file_and_the_import_goes_on() {
    let app = TempApp::new();
    let dir = app.dir.path().join("card");
    std::fs::create_dir_all(&dir).unwrap();
    for name in ["rgb.png", "tiled-planar.tif", "baseline.jpg", "tiled.tif"] {
        std::fs::copy(seed(name), dir.join(name)).unwrap();
    }
    let output = run(&app, &["import", dir.to_str().unwrap()], &[]);
    let errors = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "some files failed: {errors}");
    assert!(
        errors.contains("tiled-planar.tif: could not be read: the decoder failed on it"),
        "{errors}"
    );
    assert!(
        errors.contains("3 imported, 1 failed"),
        "the summary is printed: {errors}"
    );
    assert!(!errors.contains("panicked"), "no panic is printed as a crash: {errors}");
    assert_eq!(String::from_utf8_lossy(&output.stdout).lines().count(), 3);
}

#[test]
fn pipes_and_devices_are_refused_by_kind_as_references_and_imports() {
    let app = TempApp::new();
    let fifo = app.dir.path().join("pipe.png");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    // A link named like an image to a device that never ends.
    let zero = app.dir.path().join("zero.png");
    std::os::unix::fs::symlink("/dev/zero", &zero).unwrap();

    for (reference, reason) in [
        (fifo.as_path(), "is a named pipe (FIFO), not a file"),
        (Path::new("/dev/zero"), "is a device, not a file"),
        (zero.as_path(), "is a device, not a file"),
    ] {
        let output = run(
            &app,
            &["generate", "--prompt", "x", "--ref", reference.to_str().unwrap()],
            &[],
        );
        assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
        assert!(
            stderr(&output).contains(&format!("{} {reason}", reference.display())),
            "{}",
            stderr(&output)
        );
    }

    // Picked one by one, and met inside a picked folder.
    let folder = app.dir.path().join("folder");
    std::fs::create_dir_all(&folder).unwrap();
    assert!(
        std::process::Command::new("mkfifo")
            .arg(folder.join("inside.jpg"))
            .status()
            .unwrap()
            .success()
    );
    std::fs::copy(seed("rgb.png"), folder.join("fine.png")).unwrap();
    let output = run(
        &app,
        &[
            "import",
            fifo.to_str().unwrap(),
            zero.to_str().unwrap(),
            folder.to_str().unwrap(),
        ],
        &[],
    );
    let errors = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{errors}");
    assert!(
        errors.contains("pipe.png: is a named pipe (FIFO), not a file"),
        "{errors}"
    );
    assert!(errors.contains("zero.png: is a device, not a file"), "{errors}");
    assert!(
        errors.contains("inside.jpg: is a named pipe (FIFO), not a file"),
        "{errors}"
    );
    assert!(errors.contains("1 imported, 3 failed"), "{errors}");
}

#[test]
fn a_jpeg_cut_in_half_is_refused_as_incomplete_like_check_says() {
    let app = TempApp::new();
    let jpeg = common::corpus::jpeg_bytes(&common::corpus::photo(640, 480, 3));
    let half = app.dir.path().join("half.jpg");
    std::fs::write(&half, &jpeg[..jpeg.len() / 2]).unwrap();
    let whole = app.dir.path().join("whole.jpg");
    let mut with_trailer = jpeg.clone();
    with_trailer.extend_from_slice(b"bytes some phones append after the image");
    std::fs::write(&whole, &with_trailer).unwrap();

    let output = run(&app, &["import", half.to_str().unwrap(), whole.to_str().unwrap()], &[]);
    let errors = stderr(&output);
    assert!(
        errors.contains("half.jpg: is incomplete (the file ends too early)"),
        "{errors}"
    );
    assert!(errors.contains("1 imported, 1 failed"), "{errors}");

    // The loupe's decoder says the same words.
    let shown = distillery::library::display::decode_for_display(&half, Some((1280, 800)));
    assert_eq!(shown.err().unwrap().0, "is incomplete (the file ends too early)");
}

#[test]
fn an_image_larger_than_the_whole_decode_budget_is_refused_as_too_large() {
    let app = TempApp::new();
    // 3000 × 3000 RGBA: 36 MB of pixels, over a 16 MB budget; compresses to almost nothing.
    let big = app.dir.path().join("big.png");
    image::RgbaImage::from_pixel(3000, 3000, image::Rgba([20, 40, 60, 255]))
        .save(&big)
        .unwrap();
    let small = app.dir.path().join("small.png");
    std::fs::copy(seed("rgb.png"), &small).unwrap();
    let output = run(
        &app,
        &["import", big.to_str().unwrap(), small.to_str().unwrap()],
        &[("DISTILLERY_DECODE_BUDGET_MB", "16")],
    );
    let errors = stderr(&output);
    assert!(
        errors.contains("big.png: is too large to open (its pixels would not fit in memory)"),
        "{errors}"
    );
    assert!(errors.contains("1 imported, 1 failed"), "{errors}");
}

#[test]
fn absurd_embedded_parameters_are_dropped_and_never_used_as_paths() {
    let app = TempApp::new();
    let png = std::fs::read(seed("rgb.png")).unwrap();
    let parameters = "a lighthouse\nNegative prompt: fog\nSteps: -1, Sampler: Euler, CFG scale: nan, \
                      Seed: -9223372036854775808, Size: 0x99999999, Model: ../../etc/passwd";
    let absurd = distillery::library::png_text::with_text_chunks(&png, &[("parameters", parameters)]).unwrap();
    let path = app.dir.path().join("absurd.png");
    std::fs::write(&path, absurd).unwrap();
    let output = run(&app, &["import", path.to_str().unwrap()], &[]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));

    let row = |sql: &str| common::processes::count_rows(&app.db_path(), sql);
    assert_eq!(row("SELECT COUNT(*) FROM generations WHERE prompt = 'a lighthouse'"), 1);
    assert_eq!(
        row(
            "SELECT COUNT(*) FROM generations WHERE steps IS NULL AND seed IS NULL AND guidance IS NULL \
             AND width IS NULL AND height IS NULL AND model_file IS NULL"
        ),
        1,
        "every absurd value was dropped"
    );
}

#[test]
fn an_engine_that_floods_its_stderr_leaves_a_small_log_with_a_count_of_what_was_left_out() {
    let app = TempApp::new();
    let output = run(
        &app,
        &["generate", "--prompt", "a chatty engine"],
        &[("CN_SIM_FAULT", "stderr_flood"), ("RUST_LOG", "warn")],
    );
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let log = std::fs::read_to_string(app.data_dir().join("logs/distillery.log")).unwrap();
    // The engine wrote 4,000 lines of 1 KB (4 MB); the log keeps a burst of them.
    assert!(log.len() < 400 * 1024, "the log is {} bytes", log.len());
    assert!(
        log.contains("engine lines not logged"),
        "the log says lines were left out"
    );
    assert!(log.contains("flood 0 "), "the first lines are kept");
}
