//! End to end on a real X server (Xvfb): start the binary, see its window, press Ctrl+G,
//! see the demo engine become ready, see the panel go, close it with the title bar button,
//! and find the state saved.
//! Needs Xvfb, xdotool and ImageMagick (`scripts/test` installs them).

use crate::common;

use common::xvfb::{KillOnDrop, capture_until as wait_for, pngs_under, require, start_xvfb, xdotool};
use common::{TempApp, distillery_bin};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const SURFACE: image::Rgb<u8> = image::Rgb([0x17, 0x17, 0x17]);
const CANVAS: image::Rgb<u8> = image::Rgb([0x10, 0x10, 0x10]);

#[test]
fn the_real_window_opens_responds_to_keys_and_saves_its_state() {
    for tool in ["Xvfb", "xdotool", "import"] {
        require(tool);
    }
    let (_xvfb, display) = start_xvfb();
    let app = TempApp::new();
    let shot = app.dir.path().join("screen.png");

    let child = Command::new(distillery_bin())
        .args(app.args())
        .env("DISPLAY", &display)
        .env_remove("WAYLAND_DISPLAY")
        .env("RUST_LOG", "info")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("distillery starts");
    let mut child = KillOnDrop(child);

    let window = xdotool(&display, &["search", "--sync", "--name", "^Distillery$"]);
    let window = window.lines().next().unwrap().to_owned();
    // The panel area (left of the library, below its form) is painted in the panel colour once
    // the first frame is up.
    let panel_open = |image: &image::RgbImage| image.width() >= 960 && *image.get_pixel(44 + 100, 700) == SURFACE;
    let first = wait_for(&display, &window, &shot, "the first frame", panel_open);
    assert_eq!(
        first.dimensions(),
        (1280, 800),
        "the window opens at its preferred size"
    );
    assert_eq!(*first.get_pixel(640, 5), SURFACE, "the custom title bar is drawn");

    // The demo engine starts and loads its model: the status dot turns green.
    wait_for(&display, &window, &shot, "the engine to be ready", |image| {
        let dot = image.get_pixel(16, 800 - 14);
        dot[1] > 150 && dot[0] < 100
    });

    xdotool(&display, &["windowfocus", "--sync", &window]);

    // Ctrl+K, a prompt, Ctrl+Enter: the window's queue and the demo engine make an image,
    // which lands in the library folder.
    xdotool(&display, &["key", "ctrl+k"]);
    xdotool(&display, &["type", "--delay", "20", "a lighthouse at dusk"]);
    xdotool(&display, &["key", "ctrl+Return"]);
    let originals = app.library_dir().join("originals");
    let deadline = Instant::now() + Duration::from_secs(60);
    while pngs_under(&originals) == 0 {
        assert!(Instant::now() < deadline, "Generate in the window made no image");
        std::thread::sleep(Duration::from_millis(200));
    }

    xdotool(&display, &["key", "ctrl+g"]);
    wait_for(
        &display,
        &window,
        &shot,
        "Ctrl+G to hide the generation panel",
        |image| *image.get_pixel(44 + 100, 700) == CANVAS,
    );

    // The close button sits at the right end of the title bar.
    xdotool(
        &display,
        &["mousemove", "--window", &window, "1258", "20", "click", "1"],
    );
    let deadline = Instant::now() + Duration::from_secs(15);
    let status = loop {
        if let Some(status) = child.0.try_wait().unwrap() {
            break status;
        }
        assert!(Instant::now() < deadline, "the close button did not end the app");
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut log = String::new();
    std::io::Read::read_to_string(child.0.stderr.as_mut().unwrap(), &mut log).unwrap();
    assert!(status.success(), "clean exit: {log}");

    let db = app.database();
    assert_eq!(
        db.call_blocking(distillery::db::media::count_all).unwrap(),
        1,
        "one image, generated from the window"
    );
    let state = db.call_blocking(distillery::settings::load_ui_state).unwrap();
    assert!(!state.panels.generation_open, "the hidden panel is remembered");
    assert!(state.panels.info_open);
    let window = state.window.expect("the window's size and place are saved");
    assert_eq!((window.width, window.height), (1280, 800));
}
