//! Hosted jobs across processes and failures: a kill -9 after the submit polls the same
//! request (never a second charge), local and hosted jobs run side by side with the set
//! number of slots, a cancel reaches the provider, a lost connection waits, and the key is
//! written nowhere.

use crate::common;

use common::TempApp;
use common::fake_provider::{FakeProvider, Fault, Route};
use common::processes::{Running, distillery, finish, signal, spawn, stderr};
use distillery::db::types::JobStatus;
use distillery::db::{generations, media, queue, remote_requests};
use std::process::Command;
use std::time::{Duration, Instant};

const KEY: &str = "k-SENTINEL-7f3a9c1e:never-written-anywhere";

fn hosted(app: &TempApp, fake_env: &[(String, String)], args: &[&str]) -> Command {
    let mut command = distillery(app, &[&["generate", "--resolution", "512"], args].concat(), &[]);
    command.envs(fake_env.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    command
}

fn wait_until(what: &str, limit: Duration, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + limit;
    while !done() {
        assert!(Instant::now() < deadline, "waited {limit:?} for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn end(running: Running, what: &str) -> std::process::Output {
    finish(running, Duration::from_secs(90), what)
}

#[test]
fn a_kill_after_the_submit_polls_the_same_request_and_stores_one_image() {
    killed_after_the_submit("fal");
}

#[test]
fn a_kill_after_a_replicate_submit_polls_the_same_prediction() {
    killed_after_the_submit("replicate");
}

/// kill -9 while `provider` makes the image: the next process polls the same request, so
/// each job is submitted (and paid) once and stores one image.
fn killed_after_the_submit(provider: &str) {
    let app = TempApp::new();
    let fake = FakeProvider::start(KEY);
    fake.set_delay(Duration::from_secs(3));
    let mut first = spawn(hosted(
        &app,
        &fake.env(),
        &["--provider", provider, "--prompt", "killed midway"],
    ));
    wait_until("the submit and a status poll", Duration::from_secs(30), || {
        fake.count(Route::Submit) == 1 && fake.count(Route::Status) >= 1
    });
    signal(first.pid(), "KILL");
    let _ = first.child.wait();

    // The next process to own the library recovers the job and polls its request.
    let second = spawn(hosted(
        &app,
        &fake.env(),
        &["--provider", provider, "--prompt", "after the kill"],
    ));
    let output = end(second, "the second generate");
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stderr(&output).contains("1 queued again"), "{}", stderr(&output));
    assert_eq!(
        fake.count(Route::Submit),
        2,
        "one submit per job: the killed one was not sent again"
    );
    assert_eq!(fake.count(Route::Download), 2);

    let db = app.database();
    assert_eq!(db.call_blocking(media::count_all).unwrap(), 2, "one image per job");
    let jobs = db.call_blocking(|c| queue::recent(c, 10)).unwrap();
    assert!(jobs.iter().all(|j| j.status == JobStatus::Completed), "{jobs:?}");
    let first_body = &fake.submit_bodies()[0];
    let first_prompt = first_body.get("input").unwrap_or(first_body)["prompt"].clone();
    assert_eq!(first_prompt, "killed midway");
    for job in jobs {
        let id = job.id.clone();
        let request = db
            .call_blocking(move |c| remote_requests::get(c, &id))
            .unwrap()
            .expect("recorded");
        let generation_id = job.generation_id.clone();
        let prompt = db
            .call_blocking(move |c| generations::get(c, &generation_id))
            .unwrap()
            .unwrap()
            .prompt;
        if prompt.as_deref() == Some("killed midway") {
            assert!(
                request.request_id.starts_with("req0001"),
                "the first request kept: {request:?}"
            );
        }
        assert_eq!(request.state, remote_requests::RequestState::Finished);
    }
}

#[test]
fn hosted_slots_run_beside_a_local_job() {
    let app = TempApp::new();
    {
        let opened = distillery::db::open_database(&app.db_path()).unwrap();
        opened
            .db
            .call_blocking(|c| distillery::db::app_settings::set(c, distillery::queue::REMOTE_SLOTS_SETTING, &2u32))
            .unwrap();
        opened.db.close_blocking();
    }
    let fake = FakeProvider::start(KEY);
    fake.set_delay(Duration::from_millis(1500));
    let batch = spawn(hosted(
        &app,
        &fake.env(),
        &["--provider", "replicate", "--count", "5", "--prompt", "batch"],
    ));
    wait_until("the first submits", Duration::from_secs(30), || {
        fake.count(Route::Submit) >= 1
    });
    // A local job from another process: the owner runs it while the hosted batch waits
    // on the provider, not after it.
    let local = spawn(distillery(
        &app,
        &["generate", "--resolution", "512", "--prompt", "local"],
        &[],
    ));
    let local_output = end(local, "the local generate");
    assert!(local_output.status.success(), "{}", stderr(&local_output));
    let downloads_when_local_finished = fake.count(Route::Download);
    let batch_output = end(batch, "the hosted batch");
    assert!(batch_output.status.success(), "{}", stderr(&batch_output));
    assert!(
        downloads_when_local_finished < 5,
        "the local image came before the hosted batch ended ({downloads_when_local_finished} of 5 were in)"
    );
    assert_eq!(fake.max_active(), 2, "two hosted jobs at once, as set");
    assert_eq!(fake.count(Route::Submit), 5);
}

/// Starts a slow fal job in one process and cancels it from another; returns the job's
/// stored request afterwards.
fn cancel_while_waiting(app: &TempApp, fake: &FakeProvider, provider: &str) -> remote_requests::RemoteRequest {
    fake.set_delay(Duration::from_secs(60));
    let running = spawn(hosted(
        app,
        &fake.env(),
        &["--provider", provider, "--prompt", "cancel me"],
    ));
    wait_until("the submit", Duration::from_secs(30), || {
        fake.count(Route::Submit) == 1 && fake.count(Route::Status) >= 1
    });
    let listing = distillery(app, &["queue"], &[]).output().unwrap();
    let job = String::from_utf8_lossy(&listing.stdout)
        .split('\t')
        .next()
        .unwrap_or_default()
        .to_owned();
    let cancel = distillery(app, &["queue", "cancel", &job], &[]).output().unwrap();
    assert!(cancel.status.success(), "{}", stderr(&cancel));
    let output = end(running, "the cancelled generate");
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("Cancelled"), "{}", stderr(&output));
    let db = app.database();
    let id = distillery::db::types::JobId::from_string(job);
    db.call_blocking(move |c| remote_requests::get(c, &id))
        .unwrap()
        .expect("the request stays on record")
}

#[test]
fn a_cancel_from_another_process_reaches_the_provider() {
    for provider in ["fal", "replicate"] {
        let (app, fake) = (TempApp::new(), FakeProvider::start(KEY));
        let request = cancel_while_waiting(&app, &fake, provider);
        wait_until("the provider's cancel", Duration::from_secs(10), || {
            fake.cancelled() == 1
        });
        assert_eq!(fake.count(Route::Download), 0);
        assert_eq!(
            request.state,
            remote_requests::RequestState::Cancelled,
            "{provider}: a stopped request is done with: a retry submits anew"
        );
    }
}

#[test]
fn a_cancel_that_came_too_late_keeps_the_paid_request_for_a_retry() {
    let app = TempApp::new();
    let fake = FakeProvider::start(KEY);
    fake.fail_next(
        Route::Cancel,
        Fault::Status {
            code: 400,
            retry_after: None,
            detail: "ALREADY_COMPLETED".into(),
        },
        1,
    );
    let request = cancel_while_waiting(&app, &fake, "fal");
    assert_eq!(fake.count(Route::Cancel), 1, "the cancel was asked for");
    assert_eq!(
        request.state,
        remote_requests::RequestState::Submitted,
        "fal went on with it, so a retry polls this request instead of paying again"
    );
}

#[test]
fn without_a_connection_the_job_waits_and_goes_on_by_itself() {
    let app = TempApp::new();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let env = vec![
        ("DISTILLERY_FAL_URL".to_owned(), format!("http://127.0.0.1:{port}")),
        ("FAL_KEY".to_owned(), KEY.to_owned()),
        ("DISTILLERY_REMOTE_BACKOFF_MS".to_owned(), "100".to_owned()),
    ];
    let running = spawn(hosted(&app, &env, &["--provider", "fal", "--prompt", "offline first"]));
    std::thread::sleep(Duration::from_secs(2));
    assert!(running.child.id() > 0);
    // This computer's engine keeps working meanwhile: a script's local generate, beside the
    // waiting one on the same library, gets its image while fal is still out of reach.
    let local = end(
        spawn(hosted(&app, &env, &["--prompt", "made here while offline"])),
        "a local generate while fal is unreachable",
    );
    assert!(local.status.success(), "{}", stderr(&local));
    assert_eq!(String::from_utf8_lossy(&local.stdout).lines().count(), 1);
    let fake = FakeProvider::start_on(KEY, port);
    let output = end(running, "the generate that waited for the network");
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("No connection to fal; trying again"),
        "{}",
        stderr(&output)
    );
    assert_eq!(fake.count(Route::Submit), 1);
}

#[test]
fn the_key_is_written_nowhere() {
    let app = TempApp::new();
    let fake = FakeProvider::start(KEY);
    let output = spawn(hosted(
        &app,
        &fake.env(),
        &["--provider", "fal", "--prompt", "keep it secret"],
    ));
    let output = end(output, "generate");
    assert!(output.status.success(), "{}", stderr(&output));
    let mut refused = hosted(&app, &fake.env(), &["--provider", "replicate", "--prompt", "wrong key"]);
    refused
        .env("REPLICATE_API_TOKEN", format!("{KEY}-other"))
        .env("RUST_LOG", "trace");
    let refused = end(spawn(refused), "generate with a refused key");
    assert_eq!(refused.status.code(), Some(1));
    let exported = app.dir.path().join("exported");
    let export = distillery(
        &app,
        &["export", "--out", exported.to_str().unwrap(), "--metadata", "keep"],
        &[],
    )
    .output()
    .unwrap();
    assert!(export.status.success(), "{}", stderr(&export));

    let sentinel = "SENTINEL-7f3a9c1e";
    let mut searched = 0;
    let mut pending = vec![app.dir.path().to_owned()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
                continue;
            }
            let bytes = std::fs::read(&path).unwrap();
            searched += 1;
            assert!(
                !bytes.windows(sentinel.len()).any(|w| w == sentinel.as_bytes()),
                "the key is in {}",
                path.display()
            );
        }
    }
    for output in [&output, &refused, &export] {
        assert!(!String::from_utf8_lossy(&output.stderr).contains(sentinel));
        assert!(!String::from_utf8_lossy(&output.stdout).contains(sentinel));
    }
    assert!(
        searched >= 5,
        "the database, the log, the image and the export were searched ({searched} files)"
    );
}
