//! The Debian package, end to end: `scripts/package` builds it (from the binaries these tests
//! run, gzip for speed), it is unpacked into a temporary root with `dpkg-deb -x`, and the
//! unpacked app answers `--version`, generates an image with the bundled simulated engine
//! and renders a snapshot; lintian finds no error in it.

mod common;

use common::TempApp;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn run(command: &mut Command) -> Output {
    let output = command.output().expect("the command starts");
    assert!(
        output.status.success(),
        "{command:?} failed: {}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
}

#[test]
fn the_deb_installs_a_working_app_and_passes_lintian() {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let binaries = common::distillery_bin().parent().unwrap();
    let built = run(Command::new(manifest.join("scripts/package"))
        .args(["--binaries", &binaries.display().to_string(), "--fast"])
        .current_dir(manifest));
    let deb = manifest.join(stdout(&built));
    assert!(
        deb.ends_with(format!("distillery_{}_amd64.deb", env!("CARGO_PKG_VERSION"))),
        "{}",
        deb.display()
    );

    let root = tempfile::tempdir().unwrap();
    run(Command::new("dpkg-deb").arg("-x").arg(&deb).arg(root.path()));
    let app: PathBuf = root.path().join("usr/bin/distillery");
    for installed in [
        "usr/bin/cn-engine-sim",
        "usr/share/applications/distillery.desktop",
        "usr/share/icons/hicolor/48x48/apps/distillery.png",
        "usr/share/icons/hicolor/256x256/apps/distillery.png",
        "usr/share/icons/hicolor/scalable/apps/distillery.svg",
        "usr/share/doc/distillery/copyright",
        "usr/share/doc/distillery/changelog.gz",
    ] {
        assert!(root.path().join(installed).is_file(), "{installed} is in the package");
    }
    let icon = image::open(root.path().join("usr/share/icons/hicolor/48x48/apps/distillery.png")).unwrap();
    assert_eq!((icon.width(), icon.height()), (48, 48));

    let version = run(Command::new(&app).arg("--version"));
    assert_eq!(stdout(&version), format!("distillery {}", env!("CARGO_PKG_VERSION")));

    // The demo engine is found next to the unpacked app.
    let home = TempApp::new();
    let generated = run(Command::new(&app).args(home.args()).args([
        "--engine",
        "demo",
        "generate",
        "--prompt",
        "a kite over dunes",
        "--count",
        "1",
    ]));
    let line = stdout(&generated);
    let (_, path) = line.split_once('\t').expect("MEDIA_ID<TAB>PATH");
    assert!(Path::new(path).is_file(), "{path} was written");

    let shot = home.dir.path().join("shot.png");
    run(Command::new(&app)
        .args(home.args())
        .arg("snapshot")
        .arg("--out")
        .arg(&shot)
        .args(["--size", "960x600"]));
    let image = image::open(&shot).unwrap();
    assert_eq!((image.width(), image.height()), (960, 600));

    // Errors fail the check; warnings (no manual pages yet) do not.
    if Command::new("lintian").arg("--version").output().is_ok() {
        run(Command::new("lintian")
            .args(["--allow-root", "--fail-on", "error"])
            .arg(&deb));
    } else {
        panic!("lintian is not installed (scripts/test installs it)");
    }
}
