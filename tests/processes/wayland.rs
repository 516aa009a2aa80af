//! The real window on Wayland: a headless Weston (pixman renderer, no GPU) runs the window
//! with no X server at all; a script's generate beside it is made by the window's queue and
//! shows in its grid, captured with weston-screenshooter. winit 0.30 delivers no file drops
//! on Wayland: the window knows it is there and its hints stop inviting drops. Needs weston
//! (`scripts/test` installs it).

use crate::common;

use common::TempApp;
use common::processes::{FAST, distillery, finish, result_lines, spawn};
use common::xvfb::{KillOnDrop, require};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A headless Weston on socket `wayland-distillery` in `run` (a private XDG_RUNTIME_DIR).
fn start_weston(run: &Path) -> KillOnDrop {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(run, std::fs::Permissions::from_mode(0o700)).unwrap();
    let server = Command::new("weston")
        .args([
            "--backend=headless-backend.so",
            "--use-pixman",
            "--socket=wayland-distillery",
            "--no-config",
            // The screenshooter protocol is offered to clients only in debug mode.
            "--debug",
            "--width=1280",
            "--height=832",
        ])
        .env("XDG_RUNTIME_DIR", run)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("weston starts");
    let deadline = Instant::now() + Duration::from_secs(10);
    while !run.join("wayland-distillery").exists() {
        assert!(Instant::now() < deadline, "weston did not come up");
        std::thread::sleep(Duration::from_millis(50));
    }
    KillOnDrop(server)
}

/// The whole output as weston-screenshooter saves it (into the working folder).
fn screenshot(run: &Path, dir: &Path) -> image::RgbImage {
    for old in std::fs::read_dir(dir).unwrap().flatten() {
        if old.file_name().to_string_lossy().starts_with("wayland-screenshot") {
            std::fs::remove_file(old.path()).unwrap();
        }
    }
    let status = Command::new("weston-screenshooter")
        .current_dir(dir)
        .env("XDG_RUNTIME_DIR", run)
        .env("WAYLAND_DISPLAY", "wayland-distillery")
        .status()
        .unwrap();
    assert!(status.success(), "weston-screenshooter ran");
    let shot: PathBuf = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|entry| entry.path())
        .find(|path| {
            path.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("wayland-screenshot")
        })
        .expect("a screenshot");
    image::open(shot).unwrap().to_rgb8()
}

/// How much of the grid's first cell is not the grid's background.
fn first_cell_filled(image: &image::RgbImage) -> f64 {
    // Below Weston's 32 px panel; the first cell is where it is at 1280×800 with both panels.
    let (x0, x1, y0, y1) = (380, 550, 32 + 130, 32 + 300);
    let background = *image.get_pixel(700, 32 + 600);
    let mut differs = 0;
    for y in y0..y1 {
        for x in x0..x1 {
            let pixel = image.get_pixel(x, y);
            if (0..3).any(|c| pixel[c].abs_diff(background[c]) > 24) {
                differs += 1;
            }
        }
    }
    f64::from(differs) / f64::from((x1 - x0) * (y1 - y0))
}

#[test]
fn the_window_runs_on_a_headless_wayland_compositor_and_shows_a_scripts_image() {
    for tool in ["weston", "weston-screenshooter"] {
        require(tool);
    }
    let app = TempApp::new();
    let run = tempfile::tempdir().unwrap();
    let shots = tempfile::tempdir().unwrap();
    let _weston = start_weston(run.path());
    let child = Command::new(common::distillery_bin())
        .args(app.args())
        .args(["--engine", "demo"])
        .envs(FAST.iter().copied())
        .env("XDG_RUNTIME_DIR", run.path())
        .env("WAYLAND_DISPLAY", "wayland-distillery")
        .env_remove("DISPLAY")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("distillery starts");
    let mut window = KillOnDrop(child);

    // Up and painted: the empty grid.
    let deadline = Instant::now() + Duration::from_secs(30);
    let empty = loop {
        assert!(
            window.0.try_wait().unwrap().is_none(),
            "the window process ended on Wayland"
        );
        let image = screenshot(run.path(), shots.path());
        // The title bar's dark grey under the panel says the window is there.
        let title = image.get_pixel(640, 32 + 20);
        if title[0] < 60 && title[0] > 10 && first_cell_filled(&image) < 0.05 {
            break image;
        }
        assert!(Instant::now() < deadline, "the window never showed on Weston");
        std::thread::sleep(Duration::from_millis(200));
    };
    empty.save(shots.path().join("empty.png")).unwrap();

    let script = finish(
        spawn(distillery(&app, &["generate", "--prompt", "on wayland"], &[])),
        Duration::from_secs(60),
        "the script's generate beside the Wayland window",
    );
    let said = String::from_utf8_lossy(&script.stderr).into_owned();
    assert_eq!(script.status.code(), Some(0), "{said}");
    assert!(said.contains("open in another Distillery"), "the window ran it: {said}");
    assert_eq!(result_lines(&script).len(), 1);

    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let image = screenshot(run.path(), shots.path());
        if first_cell_filled(&image) > 0.5 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the image never showed in the grid on Wayland"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
    assert!(window.0.try_wait().unwrap().is_none(), "the window is still up");
    // The hints no longer invite drops from the file manager, which never come on Wayland.
    let log = std::fs::read_to_string(app.data_dir().join("logs/distillery.log")).unwrap_or_default();
    assert!(
        log.contains("files dropped from the file manager do not arrive"),
        "{log}"
    );
}
