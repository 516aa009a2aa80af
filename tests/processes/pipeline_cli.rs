//! `distillery generate` and `distillery queue` as scripts use them, a killed app that must
//! lose nothing, and a full disk.

use crate::common;

use common::TempApp;
use common::pipeline::files_under;
use common::processes::distillery;
use distillery::db::types::JobStatus;
use distillery::db::{media, queue as queue_rows};
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

#[test]
fn generate_prints_one_line_per_image_and_prompts_round_trip_exactly() {
    let app = TempApp::new();
    let prompt = "A \"quoted\" prompt\nwith a second line, emoji 🦊🌲 and right-to-left: مرحبا بالعالم";
    let output = distillery(
        &app,
        &[
            "generate",
            "--prompt",
            prompt,
            "--count",
            "2",
            "--resolution",
            "512",
            "--aspect",
            "16:9",
            "--seed",
            "7",
        ],
        &[],
    )
    .output()
    .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("Sampling 4/4"), "progress goes to stderr: {stderr}");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{stdout}");

    let db = app.database();
    for line in lines {
        let (id, path) = line.split_once('\t').expect("MEDIA_ID<TAB>PATH");
        assert!(std::path::Path::new(path).is_absolute() && std::path::Path::new(path).exists());
        let id = distillery::db::types::MediaId::from_string(id);
        let item = db
            .call_blocking(move |c| media::get(c, &id))
            .unwrap()
            .expect("the printed id is in the library");
        assert_eq!((item.width, item.height), (Some(512), Some(288)));
        let generation = item.generation_id.unwrap();
        let generation = db
            .call_blocking(move |c| distillery::db::generations::get(c, &generation))
            .unwrap()
            .unwrap();
        assert_eq!(
            generation.prompt.as_deref(),
            Some(prompt),
            "the prompt is stored exactly"
        );
        let chunks = distillery::library::png_text::read_text_chunks(&std::fs::read(path).unwrap());
        let meta = chunks
            .iter()
            .find(|(k, _)| k == "distillery")
            .map(|(_, v)| v.clone())
            .unwrap();
        assert_eq!(
            distillery::generation::metadata::ImageMetadata::from_json(&meta)
                .unwrap()
                .prompt,
            prompt
        );
    }
    drop(db);

    let listing = distillery(&app, &["queue"], &[]).output().unwrap();
    assert_eq!(listing.status.code(), Some(0));
    let text = String::from_utf8_lossy(&listing.stdout);
    assert_eq!(
        text.lines().filter(|l| l.contains("\tcompleted\t")).count(),
        2,
        "{text}"
    );
    let job = text.lines().next().unwrap().split('\t').next().unwrap().to_owned();
    let again = distillery(&app, &["queue", "cancel", &job], &[]).output().unwrap();
    assert_eq!(again.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&again.stderr).contains("already ended"));
    let unknown = distillery(&app, &["queue", "cancel", "no-such-job"], &[])
        .output()
        .unwrap();
    assert_eq!(unknown.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("there is no job no-such-job"));
}

#[test]
fn bad_generate_arguments_are_usage_errors() {
    let app = TempApp::new();
    for args in [
        vec!["generate"],
        vec!["generate", "--prompt", "x", "--resolution", "768"],
        vec!["generate", "--prompt", "x", "--aspect", "5:4"],
        vec!["generate", "--prompt", "x", "--count", "0"],
        vec!["generate", "--prompt", "x", "--seed", "-3"],
    ] {
        let output = distillery(&app, &args, &[]).output().unwrap();
        assert_eq!(
            output.status.code(),
            Some(2),
            "{args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let missing_ref = distillery(&app, &["generate", "--prompt", "x", "--ref", "/nowhere/ref.png"], &[])
        .output()
        .unwrap();
    assert_eq!(missing_ref.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&missing_ref.stderr).contains("/nowhere/ref.png does not exist"));
}

#[test]
fn a_killed_app_loses_no_job_and_stores_none_twice() {
    let app = TempApp::new();
    let mut child = distillery(
        &app,
        &["generate", "--prompt", "interrupted", "--count", "4"],
        &[("CN_SIM_STEP_MS", "150")],
    )
    .stdout(Stdio::piped())
    .stderr(Stdio::null())
    .spawn()
    .unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    stdout.read_line(&mut first).unwrap();
    assert!(first.contains('\t'), "the first image finished: {first:?}");

    // Kill it while the next job is processing.
    let db = app.database();
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let processing = db.call_blocking(queue_rows::processing).unwrap();
        if !processing.is_empty() {
            break;
        }
        assert!(Instant::now() < deadline, "no job reached processing");
        std::thread::sleep(Duration::from_millis(20));
    }
    std::thread::sleep(Duration::from_millis(200));
    child.kill().unwrap();
    child.wait().unwrap();
    drop(db);
    // The orphaned engine sees its input close and exits after its current command.
    std::thread::sleep(Duration::from_millis(1500));

    let rerun = distillery(&app, &["generate", "--prompt", "after the crash"], &[])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&rerun.stderr);
    assert_eq!(rerun.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("Recovered an interrupted queue"), "{stderr}");

    let db = app.database();
    let jobs = db.call_blocking(|c| queue_rows::recent(c, 100)).unwrap();
    assert_eq!(jobs.len(), 5);
    assert!(jobs.iter().all(|j| j.status == JobStatus::Completed), "{jobs:?}");
    let items = db
        .call_blocking(|c| {
            use diesel::prelude::*;
            use distillery::db::schema::media::dsl;
            Ok(dsl::media
                .select((dsl::generation_id, dsl::file_path, dsl::thumb_path))
                .load::<(Option<String>, String, Option<String>)>(c)?)
        })
        .unwrap();
    assert_eq!(items.len(), 5, "one media row per job");
    let mut generations: Vec<_> = items.iter().map(|(g, _, _)| g.clone().unwrap()).collect();
    generations.sort();
    generations.dedup();
    assert_eq!(generations.len(), 5, "no generation stored twice");

    let root = app.library_dir();
    let mut expected: Vec<String> = items.iter().map(|(_, f, _)| f.clone()).collect();
    expected.sort();
    let originals: Vec<String> = files_under(&root.join("originals"))
        .into_iter()
        .map(|f| format!("originals/{f}"))
        .collect();
    assert_eq!(
        originals, expected,
        "no original without a row, no row without an original"
    );
    assert_eq!(files_under(&root.join("thumbnails")).len(), 5);
    assert!(files_under(&root.join("tmp/generation-outputs")).is_empty());
    assert!(files_under(&root.join("tmp/finalizing")).is_empty());
    assert_eq!(db.call_blocking(media::count_all).unwrap(), 5);
}

#[test]
fn a_full_disk_fails_the_job_with_a_clear_message_and_keeps_earlier_images() {
    let app = TempApp::new();
    let library = app.library_dir();
    std::fs::create_dir_all(&library).unwrap();
    let mounted = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=4m", "tmpfs"])
        .arg(&library)
        .status();
    if !mounted.is_ok_and(|s| s.success()) {
        eprintln!("skipped the full-disk test: mounting a small tmpfs needs root");
        return;
    }
    struct Unmount(std::path::PathBuf);
    impl Drop for Unmount {
        fn drop(&mut self) {
            let _ = Command::new("umount").arg("-l").arg(&self.0).status();
        }
    }
    let _unmount = Unmount(library.clone());

    let first = distillery(&app, &["generate", "--prompt", "fits", "--resolution", "512"], &[])
        .output()
        .unwrap();
    assert_eq!(
        first.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let line = String::from_utf8_lossy(&first.stdout)
        .lines()
        .next()
        .unwrap()
        .to_owned();
    let (_, kept_path) = line.split_once('\t').unwrap();
    let kept_bytes = std::fs::read(kept_path).unwrap();

    // Leave a few kilobytes free.
    let filler = library.join("filler.bin");
    let mut file = std::fs::File::create(&filler).unwrap();
    let chunk = vec![0u8; 64 * 1024];
    while std::io::Write::write_all(&mut file, &chunk).is_ok() {}
    drop(file);
    let size = std::fs::metadata(&filler).unwrap().len();
    std::fs::OpenOptions::new()
        .write(true)
        .open(&filler)
        .unwrap()
        .set_len(size.saturating_sub(8 * 1024))
        .unwrap();

    let full = distillery(&app, &["generate", "--prompt", "does not fit"], &[])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&full.stderr);
    assert_eq!(full.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.to_lowercase().contains("disk") && stderr.contains("full"),
        "says the disk is full: {stderr}"
    );

    let db = app.database();
    assert_eq!(db.call_blocking(media::count_all).unwrap(), 1, "no half-stored image");
    let jobs = db.call_blocking(|c| queue_rows::recent(c, 10)).unwrap();
    assert_eq!(jobs.iter().filter(|j| j.status == JobStatus::Failed).count(), 1);
    assert_eq!(
        std::fs::read(kept_path).unwrap(),
        kept_bytes,
        "the earlier image is untouched"
    );
    assert_eq!(files_under(&library.join("originals")).len(), 1);
    assert_eq!(files_under(&library.join("thumbnails")).len(), 1);
}

#[test]
fn a_missing_demo_engine_is_named_with_how_to_build_it_and_generate_ends() {
    // The app alone, as `cargo run --bin distillery` leaves it: no cn-engine-sim beside it.
    let app = TempApp::new();
    let lone = app.dir.path().join("bin");
    std::fs::create_dir_all(&lone).unwrap();
    std::fs::copy(common::distillery_bin(), lone.join("distillery")).unwrap();
    let mut command = Command::new(lone.join("distillery"));
    command
        .args(app.args())
        .args(["--engine", "demo", "generate", "--prompt", "a lighthouse"])
        .env("RUST_LOG", "off")
        .stdin(Stdio::null());
    let output = common::processes::finish(
        common::processes::spawn(command),
        Duration::from_secs(120),
        "generate without a demo engine",
    );
    let errors = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{errors}");
    assert!(
        errors.contains(&format!(
            "{} could not be started: the file does not exist",
            lone.join("cn-engine-sim").display()
        )),
        "{errors}"
    );
    assert!(errors.contains("cargo build --release --bins"), "{errors}");
    assert!(
        errors.contains("no image was made because the model could not be loaded"),
        "{errors}"
    );
    assert!(output.stdout.is_empty());
}
