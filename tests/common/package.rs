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
        "usr/share/applications/app.distillery.Distillery.desktop",
        "usr/share/metainfo/app.distillery.Distillery.metainfo.xml",
        "usr/share/icons/hicolor/48x48/apps/distillery.png",
        "usr/share/icons/hicolor/256x256/apps/distillery.png",
        "usr/share/icons/hicolor/scalable/apps/distillery.svg",
        "usr/share/man/man1/distillery.1.gz",
        "usr/share/man/man1/distillery-generate.1.gz",
        "usr/share/man/man1/distillery-export.1.gz",
        "usr/share/man/man1/distillery-keyword-add.1.gz",
        "usr/share/bash-completion/completions/distillery",
        "usr/share/zsh/vendor-completions/_distillery",
        "usr/share/fish/vendor_completions.d/distillery.fish",
        "usr/share/doc/distillery/copyright",
        "usr/share/doc/distillery/changelog.gz",
    ] {
        assert!(root.join(installed).is_file(), "{installed} is in the package");
    }
    assert_desktop_files_valid(root);
    assert_manuals_work(root);
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

/// The desktop entry and the AppStream metainfo pass their validators, and the entry offers
/// "Open with Distillery" for every kind of image the import takes.
fn assert_desktop_files_valid(root: &Path) {
    let entry = root.join("usr/share/applications/app.distillery.Distillery.desktop");
    let metainfo = root.join("usr/share/metainfo/app.distillery.Distillery.metainfo.xml");
    let checked = run(Command::new("desktop-file-validate").arg(&entry));
    assert!(
        stdout(&checked).is_empty(),
        "desktop-file-validate: {}",
        stdout(&checked)
    );
    run(Command::new("appstreamcli")
        .args(["validate", "--no-net"])
        .arg(&metainfo));

    let text = std::fs::read_to_string(&entry).unwrap();
    let field = |name: &str| {
        text.lines()
            .find_map(|line| line.strip_prefix(&format!("{name}=")))
            .unwrap_or_else(|| panic!("the entry has no {name}"))
            .to_owned()
    };
    assert_eq!(field("Exec"), "distillery %F", "files opened with the app reach it");
    let types = field("MimeType");
    for extension in distillery::import::IMAGE_EXTENSIONS {
        let mime = match extension {
            "jpg" | "jpeg" => "image/jpeg".to_owned(),
            "tif" | "tiff" => "image/tiff".to_owned(),
            other => format!("image/{other}"),
        };
        assert!(
            types.split(';').any(|t| t == mime),
            "{mime} (.{extension}) is offered: {types}"
        );
    }
}

/// Every command's manual page names the environment and the exit codes, and the bash
/// completion completes a subcommand.
fn assert_manuals_work(root: &Path) {
    let man1 = root.join("usr/share/man/man1");
    let pages = std::fs::read_dir(&man1).unwrap().count();
    assert!(pages >= 20, "one page per command: {pages}");
    // The roff source (a man viewer is not always installed).
    let page = run(Command::new("zcat").arg(man1.join("distillery-generate.1.gz")));
    let page = stdout(&page);
    for section in [
        "SYNOPSIS",
        "prompt",
        "ENVIRONMENT",
        "DISTILLERY_LIBRARY",
        "EXIT STATUS",
        "distillery(1)",
    ] {
        assert!(page.contains(section), "distillery-generate(1) has {section}: {page}");
    }
    let completion = root.join("usr/share/bash-completion/completions/distillery");
    let offered = run(Command::new("bash").arg("-c").arg(format!(
        "source '{}' && COMP_WORDS=(distillery gen) && COMP_CWORD=1 && _distillery distillery gen distillery && echo \"${{COMPREPLY[@]}}\"",
        completion.display()
    )));
    assert_eq!(stdout(&offered), "generate", "bash completes a subcommand");
}
