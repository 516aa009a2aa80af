//! The AppImage, end to end: `scripts/package` builds it from the binaries these tests run,
//! without a real engine, and it is unpacked with its own `--appimage-extract` (no FUSE needed).
//! The unpacked app answers `--version`, generates an image, renders a snapshot and falls
//! back to the demo engine when nothing is chosen.

mod common;

use common::TempApp;
use common::package::{app_command, assert_installed_tree, build, generate_one, run, stdout};
use std::process::Command;

#[test]
fn the_appimage_unpacks_to_a_working_app() {
    let out = tempfile::tempdir().unwrap();
    let image = build("appimage", out.path(), None);
    assert!(
        image.ends_with(format!("Distillery-{}-x86_64.AppImage", env!("CARGO_PKG_VERSION"))),
        "{}",
        image.display()
    );
    let bytes = std::fs::read(&image).unwrap();
    assert_eq!(&bytes[..4], b"\x7fELF", "an AppImage is an executable");
    assert_eq!(&bytes[8..11], b"AI\x02", "with the type-2 AppImage magic");
    drop(bytes);

    // The runtime itself runs the app without FUSE when asked to extract first.
    let version = run(Command::new(&image)
        .arg("--appimage-extract-and-run")
        .arg("--version")
        .env("TMPDIR", out.path()));
    assert_eq!(stdout(&version), format!("distillery {}", env!("CARGO_PKG_VERSION")));

    let unpacked = tempfile::tempdir().unwrap();
    run(Command::new(&image)
        .arg("--appimage-extract")
        .current_dir(unpacked.path()));
    let root = unpacked.path().join("squashfs-root");
    assert_installed_tree(&root);
    for entry in [
        "AppRun",
        "app.distillery.Distillery.desktop",
        "distillery.png",
        ".DirIcon",
    ] {
        assert!(root.join(entry).exists(), "{entry} is at the AppImage's root");
    }
    assert!(
        !root.join("usr/lib/distillery/bin/cn-engine").exists(),
        "no real engine was given, so its slot is empty"
    );
    // AppRun is what the runtime starts.
    common::package::smoke_test(&root.join("AppRun"));

    // Nothing chosen and no real engine bundled: the demo engine generates.
    let home = TempApp::new();
    generate_one(app_command(&root.join("AppRun")).args(home.args()));
}
