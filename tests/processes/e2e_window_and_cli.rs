//! The real window (under Xvfb) beside command-line processes on the same library: a
//! script's `generate` is run by the window's queue and its image shows in the window's grid;
//! a second `distillery photo.png` hands the file to the open window instead of opening
//! another; SIGTERM closes the window cleanly with the catalogue whole in `distillery.db`.
//! Needs Xvfb, xdotool and ImageMagick (`scripts/test` installs them).

use crate::common;

use common::processes::{FAST, count_rows, distillery, finish, result_lines, signal, spawn};
use common::xvfb::{KillOnDrop, capture, capture_until, require, start_xvfb, xdotool};
use common::{TempApp, distillery_bin};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The share of pixels of the first grid cell (at 1280×800 with both panels open) that differ
/// between two captures.
fn grid_changed(before: &image::RgbImage, after: &image::RgbImage) -> f64 {
    let (x0, x1, y0, y1) = (370, 560, 125, 310);
    let mut changed = 0;
    for y in y0..y1 {
        for x in x0..x1 {
            let (a, b) = (before.get_pixel(x, y), after.get_pixel(x, y));
            if (0..3).any(|c| a[c].abs_diff(b[c]) > 24) {
                changed += 1;
            }
        }
    }
    f64::from(changed) / f64::from((x1 - x0) * (y1 - y0))
}

#[test]
fn the_window_runs_a_scripts_generate_takes_a_second_windows_file_and_stops_on_sigterm() {
    for tool in ["Xvfb", "xdotool", "import"] {
        require(tool);
    }
    let (_xvfb, display) = start_xvfb();
    let app = TempApp::new();
    let shot = app.dir.path().join("screen.png");

    let child = Command::new(distillery_bin())
        .args(app.args())
        .args(["--engine", "demo"])
        .envs(FAST.iter().copied())
        .env("DISPLAY", &display)
        .env_remove("WAYLAND_DISPLAY")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("distillery starts");
    let mut window_process = KillOnDrop(child);
    let window = xdotool(&display, &["search", "--sync", "--name", "^Distillery$"]);
    let window = window.lines().next().unwrap().to_owned();
    let ready = capture_until(&display, &window, &shot, "the engine to be ready", |image| {
        let dot = image.get_pixel(16, 800 - 14);
        image.width() >= 1280 && dot[1] > 150 && dot[0] < 100
    });

    // A script's generate: the window owns the library, so its queue makes the image.
    let script = finish(
        spawn(distillery(&app, &["generate", "--prompt", "from a script"], &[])),
        Duration::from_secs(60),
        "the script's generate beside the window",
    );
    let text = String::from_utf8_lossy(&script.stderr).into_owned();
    assert_eq!(script.status.code(), Some(0), "{text}");
    assert!(text.contains("open in another Distillery"), "the window ran it: {text}");
    assert_eq!(result_lines(&script).len(), 1, "{text}");
    let shown = capture_until(&display, &window, &shot, "the script's image in the grid", |image| {
        grid_changed(&ready, image) > 0.05
    });
    shown.save(app.dir.path().join("after-generate.png")).unwrap();

    // A second window with a file: the open one imports it; no second window opens.
    let photo = app.dir.path().join("photo.png");
    image::RgbImage::from_fn(320, 200, |x, y| image::Rgb([(x % 256) as u8, (y % 256) as u8, 90]))
        .save(&photo)
        .unwrap();
    let started = Instant::now();
    let second = Command::new(distillery_bin())
        .args(app.args())
        .args(["--engine", "demo"])
        .arg(&photo)
        .env("DISPLAY", &display)
        .env("RUST_LOG", "warn")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&second.stderr).into_owned();
    assert_eq!(second.status.code(), Some(0), "{text}");
    assert!(text.contains("already open"), "{text}");
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "the second window handed over at once"
    );
    let deadline = Instant::now() + Duration::from_secs(20);
    while count_rows(&app.db_path(), "SELECT count(*) FROM media WHERE origin = 'import'") < 1 {
        assert!(
            Instant::now() < deadline,
            "the open window did not import the handed-over file"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let windows = xdotool(&display, &["search", "--name", "^Distillery$"]);
    assert_eq!(windows.lines().count(), 1, "one window: {windows}");
    let _ = capture(&display, &window, &shot);

    // SIGTERM (a logout): the window closes on its own, leaving distillery.db whole.
    signal(window_process.0.id(), "TERM");
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(status) = window_process.0.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "SIGTERM did not close the window");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "a clean exit on SIGTERM: {status:?}");
    let wal = app.data_dir().join("distillery.db-wal");
    assert_eq!(
        std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0),
        0,
        "the log was folded in"
    );
    assert_eq!(count_rows(&app.db_path(), "SELECT count(*) FROM media"), 2);
}
