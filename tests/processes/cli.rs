//! The command line as scripts see it: exit codes, messages, and `snapshot`.

use crate::common;

use common::{TempApp, distillery_bin};
use std::process::{Command, Output};

fn run(args: &[String]) -> Output {
    Command::new(distillery_bin())
        .args(args)
        .env("RUST_LOG", "warn")
        .output()
        .expect("the binary runs")
}

fn strings(args: &[&str]) -> Vec<String> {
    args.iter().map(|s| s.to_string()).collect()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn help_and_version_work() {
    let help = run(&strings(&["--help"]));
    assert_eq!(help.status.code(), Some(0));
    let text = String::from_utf8_lossy(&help.stdout);
    for expected in ["snapshot", "--library", "--data-dir", "--engine", "completions"] {
        assert!(text.contains(expected), "--help mentions {expected}: {text}");
    }
    // Every variable the app reads, and the exit codes, from the table the manuals use too.
    for (name, _) in distillery::cli::reference::ENVIRONMENT {
        assert!(text.contains(name), "--help names {name}: {text}");
    }
    for expected in ["Exit status:", "  2  Usage error"] {
        assert!(text.contains(expected), "--help says {expected}: {text}");
    }
    assert!(
        !text.contains("manual-pages"),
        "the packaging command stays out of --help"
    );

    // Manual pages and completions need no library, data folder or display.
    let empty = tempfile::tempdir().unwrap();
    let pages = std::process::Command::new(common::distillery_bin())
        .args(["manual-pages", "--out"])
        .arg(empty.path().join("man"))
        .env("HOME", empty.path())
        .env_remove("XDG_STATE_HOME")
        .env_remove("DISPLAY")
        .output()
        .unwrap();
    assert_eq!(pages.status.code(), Some(0), "{}", stderr(&pages));
    let written: Vec<String> = String::from_utf8_lossy(&pages.stdout)
        .lines()
        .map(str::to_owned)
        .collect();
    assert!(
        written.iter().any(|p| p.ends_with("/distillery-export.1")),
        "{written:?}"
    );
    let names: Vec<_> = std::fs::read_dir(empty.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        names,
        ["man"],
        "nothing but the pages was written (no data folder, no log)"
    );
    for shell in ["bash", "zsh", "fish"] {
        let script = run(&strings(&["completions", shell]));
        assert_eq!(script.status.code(), Some(0));
        assert!(String::from_utf8_lossy(&script.stdout).contains("generate"), "{shell}");
    }
    assert_eq!(run(&strings(&["completions", "tcsh"])).status.code(), Some(2));
    let version = run(&strings(&["--version"]));
    assert_eq!(version.status.code(), Some(0));
    assert_eq!(
        String::from_utf8_lossy(&version.stdout).trim(),
        format!("distillery {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn usage_errors_exit_with_code_2() {
    for args in [
        vec!["--no-such-flag"],
        vec!["snapshot"],
        vec!["snapshot", "--out", "x.png", "--size", "12x"],
        vec!["snapshot", "--out", "x.png", "--view", "sideways"],
        vec!["frobnicate"],
    ] {
        let output = run(&strings(&args));
        assert_eq!(output.status.code(), Some(2), "{args:?}: {}", stderr(&output));
        assert!(
            stderr(&output).starts_with("error:"),
            "{args:?} explains the error: {}",
            stderr(&output)
        );
    }
}

fn snapshot(app: &TempApp, size: &str) -> image::RgbImage {
    snapshot_of(app, size, "grid")
}

fn snapshot_of(app: &TempApp, size: &str, view: &str) -> image::RgbImage {
    let out = app.dir.path().join(format!("snapshot-{view}-{size}.png"));
    let mut args = app.args();
    args.extend(strings(&["snapshot", "--view", view, "--size", size, "--out"]));
    args.push(out.display().to_string());
    let output = run(&args);
    assert_eq!(output.status.code(), Some(0), "snapshot failed: {}", stderr(&output));
    image::open(&out).expect("a PNG").to_rgb8()
}

#[test]
fn snapshot_renders_the_main_window_at_the_requested_sizes() {
    let app = TempApp::new();
    for (size, width, height) in [("1280x800", 1280, 800), ("960x600", 960, 600)] {
        let image = snapshot(&app, size);
        assert_eq!(image.dimensions(), (width, height));
        let surface = image::Rgb([0x17, 0x17, 0x17]);
        let canvas = image::Rgb([0x10, 0x10, 0x10]);
        // Title bar across the top, side panels open by default beside the library canvas;
        // at 960 px they would leave the grid 252 px, so they collapse to their rails.
        assert_eq!(*image.get_pixel(width / 2, 5), surface, "title bar at {size}");
        let beside = width >= 1108;
        let (panel, y) = if beside { (surface, 120) } else { (canvas, 150) };
        assert_eq!(*image.get_pixel(44 + 100, y), panel, "generation panel at {size}");
        assert_eq!(*image.get_pixel(width - 44 - 100, y), panel, "info panel at {size}");
        let centre_x = if beside {
            44 + 320 + (width - 44 * 2 - 320 - 300) / 2
        } else {
            width / 2
        };
        // Below the filter bar, which takes two lines in the narrow library at 1280 px.
        assert_eq!(*image.get_pixel(centre_x, 150), canvas, "library canvas at {size}");
        // Text was drawn: the title bar holds light pixels (the app name).
        let bright = (0..40)
            .flat_map(|y| (0..150).map(move |x| (x, y)))
            .filter(|&(x, y)| image.get_pixel(x, y)[0] > 180)
            .count();
        assert!(bright > 20, "the app name is drawn at {size} ({bright} bright pixels)");
    }
}

#[test]
fn snapshot_of_the_loupe_shows_the_image_at_fit_and_the_film_strip() {
    let app = TempApp::new();
    let made = run(&[app.args(), strings(&["demo-library", "--count", "12"])].concat());
    assert_eq!(made.status.code(), Some(0), "{}", stderr(&made));
    for (size, width, height) in [("1280x800", 1280u32, 800u32), ("960x600", 960, 600)] {
        let image = snapshot_of(&app, size, "loupe");
        assert_eq!(image.dimensions(), (width, height));
        let canvas = image::Rgb([0x10, 0x10, 0x10]);
        let surface = image::Rgb([0x17, 0x17, 0x17]);
        // Under 1440 px the panels collapse to their rails: the image gets the width.
        let centre_x = width / 2;
        // The image fills the middle of the canvas (synthetic images are colourful).
        let middle = *image.get_pixel(centre_x, height / 2);
        assert!(
            middle != canvas && middle != surface,
            "an image at the centre at {size}: {middle:?}"
        );
        // The film strip along the bottom, above the status bar, shows thumbnails.
        let strip_y = height - 28 - 36;
        let coloured = (44..width - 44)
            .filter(|&x| {
                let p = image.get_pixel(x, strip_y);
                p.0.iter().max().unwrap() - p.0.iter().min().unwrap() > 24
            })
            .count();
        assert!(
            coloured > 40,
            "thumbnails in the film strip at {size} ({coloured} coloured pixels)"
        );
    }
}

#[test]
fn snapshot_of_compare_shows_two_images_side_by_side() {
    let app = TempApp::new();
    let made = run(&[app.args(), strings(&["demo-library", "--count", "12"])].concat());
    assert_eq!(made.status.code(), Some(0), "{}", stderr(&made));
    for (size, width, height) in [("1280x800", 1280u32, 800u32), ("960x600", 960, 600)] {
        let image = snapshot_of(&app, size, "compare");
        assert_eq!(image.dimensions(), (width, height));
        // The library area between the rails (the panels collapse under 1440 px), split in
        // two panes: each holds an image (synthetic images are colourful) at the middle of
        // its half.
        let (left, right) = (44, width - 44);
        let half = (right - left) / 2;
        for centre_x in [left + half / 2, left + half + half / 2] {
            let p = image.get_pixel(centre_x, height / 2);
            let spread = p.0.iter().max().unwrap() - p.0.iter().min().unwrap();
            assert!(spread > 24, "an image at x = {centre_x} at {size}: {p:?}");
        }
    }
}

#[test]
fn snapshot_of_the_settings_shows_the_dialog_over_a_dimmed_window() {
    let app = TempApp::new();
    for (size, width, height) in [("1280x800", 1280u32, 800u32), ("960x600", 960, 600)] {
        let image = snapshot_of(&app, size, "settings");
        assert_eq!(image.dimensions(), (width, height));
        // The card (surface-raised, #1e1e1e) in the middle; the title bar behind the backdrop
        // is darker than its own #171717.
        let card = image::Rgb([0x1e, 0x1e, 0x1e]);
        let card_left = (width - 720.min(width - 48)) / 2;
        assert_eq!(
            *image.get_pixel(card_left + 8, height / 2),
            card,
            "the dialog card at {size}"
        );
        assert!(
            image.get_pixel(width / 2, 5)[0] < 0x17,
            "the window behind is dimmed at {size}"
        );
    }
}

#[test]
fn a_library_path_that_is_a_file_is_refused() {
    let app = TempApp::new();
    std::fs::create_dir_all(app.dir.path()).unwrap();
    std::fs::write(app.library_dir(), b"a file").unwrap();
    let mut args = app.args();
    args.extend(strings(&["snapshot", "--out", "/dev/null"]));
    let output = run(&args);
    assert_eq!(output.status.code(), Some(1));
    let message = stderr(&output);
    assert!(message.contains("is a file, not a folder"), "{message}");
    assert!(message.contains(&app.library_dir().display().to_string()), "{message}");
}

#[test]
fn a_library_path_that_cannot_be_written_is_refused() {
    let app = TempApp::new();
    let mut args = vec!["--data-dir".to_owned(), app.data_dir().display().to_string()];
    // Not even root can create folders in /proc.
    args.extend(strings(&[
        "--library",
        "/proc/distillery-library",
        "snapshot",
        "--out",
        "/dev/null",
    ]));
    let output = run(&args);
    assert_eq!(output.status.code(), Some(1));
    let message = stderr(&output);
    assert!(
        message.contains("/proc/distillery-library") && message.contains("--library"),
        "{message}"
    );
    assert!(!std::path::Path::new("/proc/distillery-library").exists());
}

#[test]
fn a_database_that_is_not_sqlite_is_refused_by_name_and_kept() {
    let app = TempApp::new();
    std::fs::create_dir_all(app.data_dir()).unwrap();
    std::fs::write(app.db_path(), b"not a database at all").unwrap();
    let mut args = app.args();
    args.extend(strings(&["snapshot", "--out", "/dev/null"]));
    let output = run(&args);
    assert_eq!(output.status.code(), Some(1));
    let message = stderr(&output);
    assert!(
        message.contains(&app.db_path().display().to_string()),
        "names the file: {message}"
    );
    assert!(message.contains("not a Distillery database"), "{message}");
    assert_eq!(std::fs::read(app.db_path()).unwrap(), b"not a database at all");
}

#[test]
fn logs_of_an_explicit_data_folder_stay_in_it() {
    let app = TempApp::new();
    snapshot(&app, "960x600");
    let log = std::fs::read_to_string(app.data_dir().join("logs/distillery.log")).expect("a log file");
    assert!(log.contains("library opened"), "{log}");
}

#[test]
fn by_default_logs_go_to_the_state_folder_and_old_ones_move_there() {
    let dir = tempfile::tempdir().unwrap();
    let (home, data, state) = (
        dir.path().join("home"),
        dir.path().join("data"),
        dir.path().join("state"),
    );
    let old_logs = data.join("distillery/logs");
    std::fs::create_dir_all(&old_logs).unwrap();
    std::fs::write(old_logs.join("distillery.log"), "a line from an older version\n").unwrap();
    std::fs::write(old_logs.join("distillery.log.1"), "an older rotated line\n").unwrap();
    let list = || {
        Command::new(distillery_bin())
            .args(["--engine", "demo", "list"])
            .env("HOME", &home)
            .env("XDG_DATA_HOME", &data)
            .env("XDG_STATE_HOME", &state)
            .env_remove("DISTILLERY_LIBRARY")
            .env("RUST_LOG", "warn")
            .output()
            .unwrap()
    };
    let output = list();
    assert!(output.status.success(), "{}", stderr(&output));
    let log = std::fs::read_to_string(state.join("distillery/distillery.log")).expect("the log in the state folder");
    assert!(
        log.starts_with("a line from an older version\n"),
        "the old log went on: {log}"
    );
    assert!(log.contains("library opened"), "{log}");
    assert_eq!(
        std::fs::read_to_string(state.join("distillery/distillery.log.1")).unwrap(),
        "an older rotated line\n"
    );
    assert!(!old_logs.exists(), "the old folder is gone once empty");
    assert!(
        data.join("distillery/distillery.db").is_file(),
        "the database stays in the data folder"
    );
    assert!(list().status.success(), "a second start has nothing to move");
}

#[test]
fn environment_overrides_settings_and_flags_override_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    let picture = dir.path().join("picture.png");
    image::RgbImage::from_pixel(32, 24, image::Rgb([1, 2, 3]))
        .save(&picture)
        .unwrap();
    let data = dir.path().join("data");
    let from_env = dir.path().join("library-from-env");
    let from_flag = dir.path().join("library-from-flag");
    let import = |extra: &[&str], data: &std::path::Path| {
        std::process::Command::new(common::distillery_bin())
            .env("DISTILLERY_LIBRARY", &from_env)
            .arg("--data-dir")
            .arg(data)
            .args(extra)
            .arg("import")
            .arg(&picture)
            .output()
            .unwrap()
    };
    let out = import(&[], &data);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains(&from_env.display().to_string()));
    let flag = from_flag.display().to_string();
    let out = import(&["--library", &flag], &dir.path().join("data-2"));
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains(&flag), "the flag wins");

    // DISTILLERY_ENGINE picks the engine; --engine wins over it.
    let generate = |extra: &[&str]| {
        std::process::Command::new(common::distillery_bin())
            .env("DISTILLERY_ENGINE", dir.path().join("no-such-engine"))
            .env("CN_SIM_LOAD_MS", "5")
            .env("CN_SIM_STEP_MS", "5")
            .arg("--data-dir")
            .arg(&data)
            .args(["--library", &flag])
            .args(extra)
            .args(["generate", "--prompt", "env test", "--resolution", "512"])
            .output()
            .unwrap()
    };
    let out = generate(&[]);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("no-such-engine"), "{}", stderr(&out));
    let out = generate(&["--engine", "demo"]);
    assert!(out.status.success(), "{}", stderr(&out));
}

/// Scripts match the commands' words, so a German desktop changes nothing on the command
/// line: the summary and a file's reason stay English (the window speaks German there).
#[test]
fn commands_keep_english_in_a_german_locale() {
    let app = TempApp::new();
    let files = tempfile::tempdir().unwrap();
    let (good, broken) = (files.path().join("good.png"), files.path().join("broken.png"));
    image::RgbImage::new(32, 24).save(&good).unwrap();
    std::fs::write(&broken, b"\x89PNG\r\n\x1a\nnot really").unwrap();
    let output = Command::new(distillery_bin())
        .args(app.args())
        .args(["import", &good.display().to_string(), &broken.display().to_string()])
        .env("RUST_LOG", "warn")
        .env("LANGUAGE", "de")
        .env("LANG", "de_DE.UTF-8")
        .output()
        .expect("the binary runs");
    let said = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{said}");
    assert!(said.contains("1 imported, 1 failed."), "{said}");
    assert!(said.contains("is not a readable image"), "{said}");
}
