//! A library on read-only media (an archive disk, a read-only share) opens for browsing:
//! the window renders its grid with a banner saying why nothing can change, `check` reads it,
//! and generate, import, demo-library and repair refuse with that reason, changing nothing.
//!
//! The read-only media is a read-only bind mount of the library in a private mount namespace
//! (`unshare`), so nothing outside the test sees it.

use crate::common;

use common::TempApp;
use common::pipeline::files_under;
use common::processes::FAST;
use std::process::{Command, Output};

/// `distillery ARGS` on `app`, run after the shell commands `setup` in a private mount
/// namespace (so nothing else sees its mounts).
fn command_after(app: &TempApp, setup: &str, args: &[&str]) -> Command {
    let mut script = format!("{setup} && exec '{}'", common::distillery_bin().display());
    for arg in app
        .args()
        .iter()
        .map(String::as_str)
        .chain(["--engine", "demo"])
        .chain(args.iter().copied())
    {
        script.push_str(&format!(" '{arg}'"));
    }
    let mut command = Command::new("unshare");
    command
        .args(["-rm", "sh", "-c", &script])
        .envs(FAST.iter().copied())
        .env("RUST_LOG", "warn");
    command
}

/// Mounts `dir` read-only at its own path.
fn read_only_mount(dir: &std::path::Path) -> String {
    let dir = dir.display();
    format!("mount --bind '{dir}' '{dir}' && mount -o remount,bind,ro '{dir}'")
}

/// `distillery ARGS` with the library mounted read-only at its own path.
fn read_only_command(app: &TempApp, args: &[&str]) -> Command {
    command_after(app, &read_only_mount(&app.library_dir()), args)
}

/// Runs `distillery ARGS` with the library on read-only media.
fn on_read_only_media(app: &TempApp, args: &[&str]) -> Output {
    read_only_command(app, args).output().expect("unshare runs")
}

fn namespaces_available() -> bool {
    Command::new("unshare")
        .args(["-rm", "true"])
        .status()
        .is_ok_and(|status| status.success())
}

#[test]
fn a_library_on_read_only_media_is_browsed_and_never_changed() {
    assert!(
        namespaces_available(),
        "unshare -rm (a private mount namespace) is needed to make read-only media for this test"
    );
    let app = TempApp::new();
    let made = Command::new(common::distillery_bin())
        .args(app.args())
        .args(["demo-library", "--count", "6"])
        .output()
        .unwrap();
    assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
    let before = files_under(&app.library_dir());

    // Browsing works: the grid renders with the banner.
    let shot = app.dir.path().join("read-only.png");
    let shot_arg = shot.display().to_string();
    let snapshot = on_read_only_media(&app, &["snapshot", "--out", &shot_arg, "--size", "1280x800"]);
    assert!(
        snapshot.status.success(),
        "{}",
        String::from_utf8_lossy(&snapshot.stderr)
    );
    let picture = image::open(&shot).unwrap().to_rgb8();
    // The banner sits under the title bar, in the raised surface colour, with its text.
    let banner_row: Vec<_> = (0..1280).map(|x| *picture.get_pixel(x, 56)).collect();
    let raised = image::Rgb([0x1e, 0x1e, 0x1e]);
    assert!(
        banner_row.iter().filter(|p| **p == raised).count() > 600,
        "the read-only banner is shown"
    );
    assert!(banner_row.iter().any(|p| p[0] > 150), "the banner has its text");
    let check = on_read_only_media(&app, &["check"]);
    assert_eq!(
        check.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );

    // Changing anything is refused with the reason.
    let photo = app.dir.path().join("photo.png");
    image::RgbImage::from_pixel(32, 32, image::Rgb([10, 200, 30]))
        .save(&photo)
        .unwrap();
    let photo_arg = photo.display().to_string();
    for args in [
        vec!["generate", "--prompt", "nope"],
        vec!["import", photo_arg.as_str()],
        vec!["demo-library", "--count", "2"],
        vec!["check", "--repair"],
    ] {
        let refused = on_read_only_media(&app, &args);
        let text = String::from_utf8_lossy(&refused.stderr);
        assert_eq!(refused.status.code(), Some(1), "{args:?}: {text}");
        assert!(text.contains("is read-only"), "{args:?}: {text}");
    }
    assert_eq!(
        files_under(&app.library_dir()),
        before,
        "nothing in the library changed"
    );
    assert_eq!(
        common::processes::count_rows(&app.db_path(), "SELECT count(*) FROM media"),
        6
    );
}

/// Every item's rating and status, in id order.
fn culling(app: &TempApp) -> Vec<(String, i64, Option<String>)> {
    let conn =
        rusqlite::Connection::open_with_flags(app.db_path(), rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY).unwrap();
    let mut statement = conn
        .prepare("SELECT id, rating, status FROM media ORDER BY id")
        .unwrap();
    statement
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect()
}

#[test]
fn in_the_window_culling_keys_and_delete_change_nothing_in_a_read_only_library() {
    use common::xvfb::{KillOnDrop, capture_until, require, start_xvfb, xdotool};
    for tool in ["Xvfb", "xdotool", "import", "unshare"] {
        require(tool);
    }
    assert!(namespaces_available(), "unshare -rm is needed for read-only media");
    let app = TempApp::new();
    let made = Command::new(common::distillery_bin())
        .args(app.args())
        .args(["demo-library", "--count", "4"])
        .output()
        .unwrap();
    assert!(made.status.success());
    let (before_files, before_culling) = (files_under(&app.library_dir()), culling(&app));
    let (_xvfb, display) = start_xvfb();
    let child = read_only_command(&app, &[])
        .env("DISPLAY", &display)
        .env_remove("WAYLAND_DISPLAY")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut window_process = KillOnDrop(child);
    let window = xdotool(&display, &["search", "--sync", "--name", "^Distillery$"]);
    let window = window.lines().next().unwrap().to_owned();
    let shot = app.dir.path().join("window.png");
    // The first frame with the grid's first thumbnail painted.
    capture_until(&display, &window, &shot, "the grid", |image| {
        image.width() >= 1280 && image.get_pixel(460, 210)[0] != image.get_pixel(460, 210)[2]
    });
    xdotool(&display, &["windowfocus", "--sync", &window]);
    // Click the first thumbnail like a user, then cull it and ask to delete it.
    xdotool(
        &display,
        &["mousemove", "--window", &window, "460", "210", "click", "1"],
    );
    for key in ["3", "p", "x", "Delete", "Return"] {
        xdotool(&display, &["key", key]);
        std::thread::sleep(std::time::Duration::from_millis(150));
    }
    std::thread::sleep(std::time::Duration::from_millis(700));
    common::processes::signal(window_process.0.id(), "TERM");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while window_process.0.try_wait().unwrap().is_none() {
        assert!(
            std::time::Instant::now() < deadline,
            "the window did not close on SIGTERM"
        );
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    assert_eq!(culling(&app), before_culling, "no rating or status was saved");
    assert_eq!(files_under(&app.library_dir()), before_files, "nothing was deleted");
}

#[test]
fn a_read_only_or_full_data_folder_is_named_with_its_cause() {
    assert!(namespaces_available(), "unshare -rm is needed for read-only media");
    let app = TempApp::new();
    let made = Command::new(common::distillery_bin())
        .args(app.args())
        .args(["demo-library", "--count", "2"])
        .output()
        .unwrap();
    assert!(made.status.success());
    let database = app.db_path().display().to_string();

    let read_only = command_after(&app, &read_only_mount(&app.data_dir()), &["queue"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&read_only.stderr);
    assert_eq!(read_only.status.code(), Some(1), "{text}");
    assert!(text.contains(&database) && text.contains("read-only"), "{text}");

    // A fresh data folder on a disk with room for the lock file but not the catalogue.
    let full = TempApp::new();
    std::fs::create_dir_all(full.data_dir()).unwrap();
    let tiny = format!("mount -t tmpfs -o size=48k tmpfs '{}'", full.data_dir().display());
    let output = command_after(&full, &tiny, &["queue"]).output().unwrap();
    let text = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert!(
        text.contains(&full.db_path().display().to_string()) && text.contains("the disk is full"),
        "{text}"
    );
}
