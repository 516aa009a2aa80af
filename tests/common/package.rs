//! Building the packages with `scripts/package` from the binaries the tests run, and the
//! smoke test every unpacked package must pass.

use super::TempApp;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Runs `command`, failing the test with its output unless it succeeds.
pub fn run(command: &mut Command) -> Output {
    let output = command.output().expect("the command starts");
    assert!(
        output.status.success(),
        "{command:?} failed: {}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
}

/// A command for an unpacked app, with none of the environment that picks an engine or model
/// files, so the package's own layout decides.
pub fn app_command(app: &Path) -> Command {
    let mut command = Command::new(app);
    for name in [
        "DISTILLERY_ENGINE",
        "DISTILLERY_MODELS",
        "DISTILLERY_LIBRARY",
        "CN_MODEL_DIFFUSION",
        "CN_MODEL_VAE",
        "CN_MODEL_LLM",
    ] {
        command.env_remove(name);
    }
    command
}

/// `scripts/package --format FORMAT --fast` into `out`, packaging the test build, with
/// `real_engine` in the slot for a real cn-engine. Returns the package file.
pub fn build(format: &str, out: &Path, real_engine: Option<&Path>) -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let binaries = super::distillery_bin().parent().unwrap();
    let mut command = Command::new(manifest.join("scripts/package"));
    command
        .args([
            "--binaries",
            &binaries.display().to_string(),
            "--fast",
            "--format",
            format,
            "--out",
        ])
        .arg(out)
        .current_dir(manifest)
        .env_remove("CN_ENGINE_BIN");
    if let Some(engine) = real_engine {
        command.env("CN_ENGINE_BIN", engine);
    }
    let built = run(&mut command);
    PathBuf::from(stdout(&built))
}

/// What every installed app must do: answer `--version`, generate an image with the bundled
/// demo engine and render a snapshot of its window.
pub fn smoke_test(app: &Path) {
    let version = run(app_command(app).arg("--version"));
    assert_eq!(stdout(&version), format!("distillery {}", env!("CARGO_PKG_VERSION")));

    let home = TempApp::new();
    generate_one(app_command(app).args(home.args()).args(["--engine", "demo"]));

    let shot = home.dir.path().join("shot.png");
    run(app_command(app)
        .args(home.args())
        .arg("snapshot")
        .arg("--out")
        .arg(&shot)
        .args(["--size", "960x600"]));
    let image = image::open(&shot).unwrap();
    assert_eq!((image.width(), image.height()), (960, 600));
}

/// The installed files both packages share, under `root`.
pub fn assert_installed_tree(root: &Path) {
    for installed in [
        "usr/bin/distillery",
        "usr/lib/distillery/bin/cn-engine-sim",
        "usr/share/applications/distillery.desktop",
        "usr/share/icons/hicolor/48x48/apps/distillery.png",
        "usr/share/icons/hicolor/256x256/apps/distillery.png",
        "usr/share/icons/hicolor/scalable/apps/distillery.svg",
        "usr/share/man/man1/distillery.1.gz",
        "usr/share/doc/distillery/copyright",
        "usr/share/doc/distillery/changelog.gz",
    ] {
        assert!(root.join(installed).is_file(), "{installed} is in the package");
    }
    let icon = image::open(root.join("usr/share/icons/hicolor/48x48/apps/distillery.png")).unwrap();
    assert_eq!((icon.width(), icon.height()), (48, 48));
    let copyright = std::fs::read_to_string(root.join("usr/share/doc/distillery/copyright")).unwrap();
    assert!(
        copyright.contains("The goals of the Open Font License (OFL)"),
        "the Inter font licence is shipped"
    );
}

/// Runs `command` (an app command with its options) as `generate` of one image and checks
/// the image it names was written.
pub fn generate_one(command: &mut Command) -> PathBuf {
    let generated = run(command.args(["generate", "--prompt", "a kite over dunes", "--count", "1"]));
    let line = stdout(&generated);
    let (_, path) = line.split_once('\t').expect("MEDIA_ID<TAB>PATH");
    assert!(Path::new(path).is_file(), "{path} was written");
    PathBuf::from(path)
}
