//! Many processes, one library: real `distillery` processes beside each other on the same
//! data folder and library, as people run them (a script's `generate` beside another, a
//! `queue cancel` from another terminal, a SIGTERM at logout).

use crate::common;

use common::TempApp;
use common::processes::{count_rows, distillery, finish, result_lines, signal, spawn, stderr};
use std::collections::HashSet;
use std::time::{Duration, Instant};

const LIMIT: Duration = Duration::from_secs(120);

/// Every job has ended, each completed job has exactly one media row and nothing else does.
fn assert_every_job_ended_once(app: &TempApp) {
    let db = app.db_path();
    let unfinished = count_rows(
        &db,
        "SELECT count(*) FROM queue WHERE status IN ('pending', 'processing')",
    );
    assert_eq!(unfinished, 0, "every job ended");
    let completed = count_rows(&db, "SELECT count(*) FROM queue WHERE status = 'completed'");
    let items = count_rows(&db, "SELECT count(*) FROM media WHERE origin = 'generation'");
    assert_eq!(items, completed, "one image per completed job, none twice");
    let per_generation = count_rows(
        &db,
        "SELECT count(*) FROM (SELECT generation_id FROM media WHERE generation_id IS NOT NULL GROUP BY generation_id HAVING count(*) > 1)",
    );
    assert_eq!(per_generation, 0, "no generation stored twice");
}

fn two_generates_at_once(app: &TempApp) -> usize {
    let first = spawn(distillery(app, &["generate", "--prompt", "first", "--count", "3"], &[]));
    let second = spawn(distillery(
        app,
        &["generate", "--prompt", "second", "--count", "3"],
        &[],
    ));
    let (first, second) = (
        finish(first, LIMIT, "the first generate"),
        finish(second, LIMIT, "the second generate"),
    );
    let mut ids = HashSet::new();
    for (name, output) in [("first", &first), ("second", &second)] {
        let text = stderr(output);
        assert_eq!(output.status.code(), Some(0), "{name} generate: {text}");
        assert!(!text.contains("locked"), "{name} generate: {text}");
        let lines = result_lines(output);
        assert_eq!(lines.len(), 3, "{name} printed one line per image: {text}");
        for (id, path) in lines {
            assert!(std::path::Path::new(&path).is_file(), "{path} exists");
            assert!(ids.insert(id), "an image was printed twice");
        }
    }
    ids.len()
}

#[test]
fn two_generate_commands_at_once_store_every_image_once_on_a_fresh_data_folder() {
    let app = TempApp::new();
    assert_eq!(two_generates_at_once(&app), 6);
    assert_every_job_ended_once(&app);
    assert_eq!(count_rows(&app.db_path(), "SELECT count(*) FROM media"), 6);
}

#[test]
fn two_generate_commands_at_once_store_every_image_once_on_an_existing_library() {
    let app = TempApp::new();
    let before = finish(
        spawn(distillery(&app, &["generate", "--prompt", "before"], &[])),
        LIMIT,
        "the first generate",
    );
    assert_eq!(before.status.code(), Some(0), "{}", stderr(&before));
    assert_eq!(two_generates_at_once(&app), 6);
    assert_every_job_ended_once(&app);
    assert_eq!(count_rows(&app.db_path(), "SELECT count(*) FROM media"), 7);
}

/// Waits until the queue has a job in `status`; returns its id.
fn wait_for_job(app: &TempApp, status: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let listing = distillery(app, &["queue"], &[]).output().unwrap();
        let text = String::from_utf8_lossy(&listing.stdout).into_owned();
        if let Some(line) = text.lines().find(|line| line.split('\t').nth(1) == Some(status)) {
            return line.split('\t').next().unwrap().to_owned();
        }
        assert!(Instant::now() < deadline, "no job became {status}: {text}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn queue_cancel_from_another_terminal_ends_the_waiting_generate() {
    let app = TempApp::new();
    let slow = [("CN_SIM_STEP_MS", "400")];
    let generate = spawn(distillery(
        &app,
        &["generate", "--prompt", "cancel me", "--count", "3"],
        &slow,
    ));
    let running = wait_for_job(&app, "processing");
    let waiting = wait_for_job(&app, "pending");
    for job in [&running, &waiting] {
        let cancel = distillery(&app, &["queue", "cancel", job], &[]).output().unwrap();
        assert_eq!(
            cancel.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&cancel.stderr)
        );
    }
    let output = finish(generate, LIMIT, "the generate whose jobs were cancelled");
    let text = stderr(&output);
    assert_eq!(
        output.status.code(),
        Some(1),
        "two of three images did not get made: {text}"
    );
    assert_eq!(text.matches("Cancelled").count(), 2, "{text}");
    assert_eq!(result_lines(&output).len(), 1, "the third image was made: {text}");
    assert_every_job_ended_once(&app);
    assert_eq!(count_rows(&app.db_path(), "SELECT count(*) FROM media"), 1);
}

#[test]
fn a_client_generate_is_run_by_the_owner_and_takes_over_when_the_owner_dies() {
    let app = TempApp::new();
    let slow = [("CN_SIM_STEP_MS", "300")];
    let owner = spawn(distillery(
        &app,
        &["generate", "--prompt", "owner", "--count", "3"],
        &slow,
    ));
    wait_for_job(&app, "processing");
    let client = spawn(distillery(&app, &["generate", "--prompt", "client"], &slow));
    // The client's job is stored and waits behind the owner's.
    let deadline = Instant::now() + Duration::from_secs(20);
    while count_rows(&app.db_path(), "SELECT count(*) FROM queue") < 4 {
        assert!(Instant::now() < deadline, "the client stored no job");
        std::thread::sleep(Duration::from_millis(20));
    }
    // The owner dies without a word (a crash, an OOM kill).
    signal(owner.pid(), "KILL");
    let killed = finish(owner, LIMIT, "the killed owner");
    assert_eq!(killed.status.code(), None, "killed by the signal");
    let output = finish(client, LIMIT, "the client after the owner died");
    let text = stderr(&output);
    assert_eq!(output.status.code(), Some(0), "{text}");
    assert!(text.contains("open in another Distillery"), "{text}");
    assert!(text.contains("running the queue here"), "the client took over: {text}");
    assert_eq!(result_lines(&output).len(), 1, "{text}");
    // The client ran the owner's jobs too (its own came last), the interrupted one again.
    assert_every_job_ended_once(&app);
    assert_eq!(
        count_rows(&app.db_path(), "SELECT count(*) FROM queue WHERE status = 'completed'"),
        4
    );
}

fn wal_size(app: &TempApp) -> u64 {
    std::fs::metadata(app.data_dir().join("distillery.db-wal"))
        .map(|m| m.len())
        .unwrap_or(0)
}

/// The catalogue as `distillery.db` alone holds it: a copy of that one file, without its
/// `-wal`, read on its own.
fn rows_in_database_file_alone(app: &TempApp, sql: &str) -> i64 {
    let copy = app.dir.path().join("alone");
    std::fs::create_dir_all(&copy).unwrap();
    std::fs::copy(app.db_path(), copy.join("distillery.db")).unwrap();
    count_rows(&copy.join("distillery.db"), sql)
}

#[test]
fn a_finished_command_leaves_the_whole_catalogue_in_the_database_file() {
    let app = TempApp::new();
    let output = distillery(&app, &["generate", "--prompt", "durable", "--count", "2"], &[])
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(wal_size(&app), 0, "the write-ahead log was folded in");
    assert_eq!(rows_in_database_file_alone(&app, "SELECT count(*) FROM media"), 2);
}

#[test]
fn sigterm_mid_generation_stops_cleanly_and_the_next_start_loses_nothing() {
    let app = TempApp::new();
    let slow = [("CN_SIM_STEP_MS", "250")];
    let generate = spawn(distillery(
        &app,
        &["generate", "--prompt", "logout", "--count", "4"],
        &slow,
    ));
    let first = generate.next_line(Duration::from_secs(60)).expect("one image was made");
    assert!(first.contains('\t'));
    let stopping = Instant::now();
    signal(generate.pid(), "TERM");
    let output = finish(generate, Duration::from_secs(30), "the generate after SIGTERM");
    let text = stderr(&output);
    assert!(
        stopping.elapsed() < Duration::from_secs(15),
        "it stopped within the grace period"
    );
    assert_eq!(output.status.code(), Some(1), "{text}");
    assert!(text.contains("stopped before"), "{text}");
    let made = result_lines(&output).len() as i64 + 1;
    assert_eq!(wal_size(&app), 0, "the write-ahead log was folded in: {text}");
    assert_eq!(
        rows_in_database_file_alone(&app, "SELECT count(*) FROM media"),
        made,
        "distillery.db alone has every image made"
    );
    assert_eq!(rows_in_database_file_alone(&app, "SELECT count(*) FROM queue"), 4);

    // The next start runs what was left, then its own job.
    let again = distillery(&app, &["generate", "--prompt", "after"], &[])
        .output()
        .unwrap();
    assert_eq!(
        again.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
    assert_every_job_ended_once(&app);
    assert_eq!(count_rows(&app.db_path(), "SELECT count(*) FROM media"), 5);
}

#[test]
fn an_empty_database_beside_its_log_is_refused_and_left_as_it_was() {
    for database in [Some(Vec::new()), None] {
        let app = TempApp::new();
        std::fs::create_dir_all(app.data_dir()).unwrap();
        let wal: Vec<u8> = (0..8192u32).map(|i| (i * 7 % 251) as u8).collect();
        std::fs::write(app.data_dir().join("distillery.db-wal"), &wal).unwrap();
        if let Some(bytes) = &database {
            std::fs::write(app.db_path(), bytes).unwrap();
        }
        let output = distillery(&app, &["queue"], &[]).output().unwrap();
        let text = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{text}");
        assert!(text.contains("distillery.db-wal") && text.contains("damaged"), "{text}");
        assert_eq!(std::fs::read(app.data_dir().join("distillery.db-wal")).unwrap(), wal);
        match &database {
            Some(bytes) => assert_eq!(&std::fs::read(app.db_path()).unwrap(), bytes),
            None => assert!(!app.db_path().exists(), "no new database was made over the log"),
        }
    }
}

#[test]
fn repair_from_a_process_that_does_not_own_the_library_is_refused() {
    let app = TempApp::new();
    let slow = [("CN_SIM_STEP_MS", "200")];
    let generate = spawn(distillery(
        &app,
        &["generate", "--prompt", "busy", "--count", "6"],
        &slow,
    ));
    wait_for_job(&app, "processing");
    let mut refused = 0;
    for _ in 0..10 {
        let repair = distillery(&app, &["check", "--repair"], &[]).output().unwrap();
        let text = String::from_utf8_lossy(&repair.stderr);
        if repair.status.code() == Some(1) && text.contains("only it may repair") {
            refused += 1;
        } else {
            // The generate ended meanwhile: then this process owned it and could repair.
            break;
        }
    }
    assert!(refused > 0, "a repair beside a running generate was refused");
    let output = finish(generate, LIMIT, "the generate beside the repairs");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(result_lines(&output).len(), 6);
    assert!(!app.library_dir().join("lost+found").exists(), "nothing was set aside");
    assert_eq!(count_rows(&app.db_path(), "SELECT count(*) FROM missing_originals"), 0);
    let check = distillery(&app, &["check"], &[]).output().unwrap();
    assert_eq!(
        check.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
}

#[test]
fn an_import_killed_mid_way_leaves_nothing_for_check_to_report() {
    let app = TempApp::new();
    let sources = app.dir.path().join("sources");
    std::fs::create_dir_all(&sources).unwrap();
    for n in 0..300u32 {
        image::RgbImage::from_fn(96, 64, |x, y| {
            image::Rgb([(x + n) as u8, (y * 3) as u8, (n % 251) as u8])
        })
        .save(sources.join(format!("{n}.png")))
        .unwrap();
    }
    let source_arg = sources.display().to_string();
    let import = spawn(distillery(&app, &["import", "--threads", "2", &source_arg], &[]));
    // Killed once some images are in: others are being copied at that moment.
    for _ in 0..20 {
        import
            .next_line(Duration::from_secs(30))
            .expect("the import makes progress");
    }
    signal(import.pid(), "KILL");
    let killed = finish(import, LIMIT, "the killed import");
    assert_eq!(killed.status.code(), None);
    let check = distillery(&app, &["check"], &[]).output().unwrap();
    assert_eq!(
        check.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
    // The next owner's recovery removes what the killed import left half done.
    let generate = distillery(&app, &["generate", "--prompt", "after"], &[])
        .output()
        .unwrap();
    assert_eq!(
        generate.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&generate.stderr)
    );
    let markers = app.library_dir().join("tmp/finalizing");
    assert_eq!(
        std::fs::read_dir(&markers).map(|d| d.count()).unwrap_or(0),
        0,
        "no marker is left"
    );
    let originals = common::pipeline::files_under(&app.library_dir().join("originals"));
    let items = count_rows(&app.db_path(), "SELECT count(*) FROM media");
    assert_eq!(
        originals.len() as i64,
        items,
        "every original has its item: {originals:?}"
    );
    let check = distillery(&app, &["check"], &[]).output().unwrap();
    assert_eq!(
        check.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
}
