//! `generate --provider fal|replicate` against a fake provider on 127.0.0.1: the whole flow
//! (submit, poll, download, the one finalise), and what each injected fault ends as.

use crate::common;

use common::TempApp;
use common::fake_provider::{FakeProvider, Fault, Route};
use common::processes::{distillery, finish, spawn, stderr};
use distillery::db::{generations, media, queue};
use std::process::Output;
use std::time::Duration;

const KEY: &str = "test-key-1234:secret";

fn generate(app: &TempApp, fake: &FakeProvider, args: &[&str], extra_env: &[(&str, &str)]) -> Output {
    let mut command = distillery(app, &[&["generate", "--resolution", "512"], args].concat(), extra_env);
    command.envs(fake.env());
    for (name, value) in extra_env {
        command.env(name, value);
    }
    finish(spawn(command), Duration::from_secs(90), "distillery generate")
}

fn stdout_lines(output: &Output) -> Vec<String> {
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(str::to_owned)
        .collect()
}

#[test]
fn fal_makes_an_image_that_is_stored_like_a_local_one() {
    let app = TempApp::new();
    let fake = FakeProvider::start(KEY);
    fake.set_delay(Duration::from_millis(400));
    let output = generate(
        &app,
        &fake,
        &["--provider", "fal", "--prompt", "a lighthouse at dusk", "--seed", "77"],
        &[],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let lines = stdout_lines(&output);
    assert_eq!(lines.len(), 1, "one line per image: {lines:?}");
    let path = lines[0].split('\t').nth(1).expect("id TAB path");
    assert!(std::path::Path::new(path).is_file());

    assert_eq!(fake.count(Route::Submit), 1);
    assert!(fake.count(Route::Status) >= 1);
    assert_eq!(fake.count(Route::Result), 1);
    assert_eq!(fake.count(Route::Download), 1);
    assert_eq!(fake.download_auth(), 0, "the key is never sent to the file host");
    let body = &fake.submit_bodies()[0];
    assert_eq!(body["prompt"], "a lighthouse at dusk");
    assert_eq!(body["seed"], 77);
    assert_eq!(body["image_size"]["width"], 512);
    assert_eq!(body["output_format"], "png");

    let db = app.database();
    let id = distillery::db::types::MediaId::from_string(lines[0].split('\t').next().unwrap().to_owned());
    let item = db.call_blocking(move |c| media::get(c, &id)).unwrap().expect("stored");
    let generation_id = item.generation_id.clone().expect("a generated image");
    let generation = db
        .call_blocking(move |c| generations::get(c, &generation_id))
        .unwrap()
        .unwrap();
    assert_eq!(generation.provider, "fal");
    assert_eq!(generation.model_file.as_deref(), Some("fal-ai/flux-2/klein/4b"));
    assert_eq!(generation.seed, Some(77));
    let models = db.call_blocking(distillery::db::base_models::names_in_use).unwrap();
    assert_eq!(
        models,
        vec!["FLUX.2 Klein 4B".to_owned()],
        "filterable under the canonical model"
    );
    let png = std::fs::read(path).unwrap();
    let text = String::from_utf8_lossy(&png);
    assert!(
        text.contains("Model: fal-ai/flux-2/klein/4b, Provider: fal"),
        "WebUI parameters name the provider"
    );
    assert!(
        text.contains("\"provider\":\"fal\""),
        "Distillery's own chunk names the provider"
    );
    assert!(item.thumb_path.is_some());
}

#[test]
fn replicate_makes_a_batch_and_its_list_output_is_read() {
    let app = TempApp::new();
    let fake = FakeProvider::start(KEY);
    let output = generate(
        &app,
        &fake,
        &[
            "--provider",
            "replicate",
            "--prompt",
            "a red kite",
            "--count",
            "3",
            "--aspect",
            "3:2",
        ],
        &[],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(stdout_lines(&output).len(), 3);
    assert_eq!(fake.count(Route::Submit), 3);
    assert_eq!(fake.count(Route::Download), 3);
    let body = &fake.submit_bodies()[0];
    assert_eq!(body["input"]["aspect_ratio"], "3:2");
    assert_eq!(body["input"]["output_megapixels"], "0.25");
    assert!(fake.auth_seen().iter().all(|a| a == &format!("Bearer {KEY}")));
    let db = app.database();
    let done = db.call_blocking(|c| queue::recent(c, 10)).unwrap();
    assert!(
        done.iter()
            .all(|j| j.status == distillery::db::types::JobStatus::Completed)
    );
    // Stored as Replicate's and under the same canonical model as fal's and this computer's.
    let providers = db
        .call_blocking(|c| {
            use diesel::prelude::*;
            use distillery::db::schema::generations;
            Ok(generations::table
                .select((generations::provider, generations::model_file))
                .load::<(String, Option<String>)>(c)?)
        })
        .unwrap();
    assert_eq!(providers.len(), 3);
    assert!(
        providers
            .iter()
            .all(|(provider, model)| provider == "replicate"
                && model.as_deref().is_some_and(|m| m.contains("flux-2-klein"))),
        "{providers:?}"
    );
    let models = db.call_blocking(distillery::db::base_models::names_in_use).unwrap();
    assert_eq!(models, vec!["FLUX.2 Klein 4B".to_owned()]);
}

/// A status call that keeps failing is tried a bounded number of times, then the job fails
/// saying so, and its request stays on record as submitted: a Retry polls it, never paying
/// for a second image.
#[test]
fn a_provider_that_keeps_failing_is_given_up_on_and_the_request_kept() {
    let app = TempApp::new();
    let fake = FakeProvider::start(KEY);
    let tries = distillery::remote::retry::MAX_TRIES as usize;
    fake.fail_next(
        Route::Status,
        Fault::Status {
            code: 500,
            retry_after: None,
            detail: "internal".into(),
        },
        tries,
    );
    let failed = failing_run(&app, &fake, &[]);
    assert!(failed.contains("is not answering (HTTP 500"), "{failed}");
    assert_eq!(fake.count(Route::Status), tries, "bounded: {tries} tries, no loop");
    assert_eq!(fake.count(Route::Submit), 1);
    let db = app.database();
    let job = db.call_blocking(|c| queue::recent(c, 1)).unwrap().remove(0);
    let request = db
        .call_blocking(move |c| distillery::db::remote_requests::get(c, &job.id))
        .unwrap()
        .expect("the request is on record");
    assert_eq!(request.state, distillery::db::remote_requests::RequestState::Submitted);
}

/// A request waiting in the provider's queue says so, with its place where the provider
/// gives one, and goes on to its image.
#[test]
fn a_queued_request_says_where_it_waits() {
    let app = TempApp::new();
    let fake = FakeProvider::start(KEY);
    // The first status call comes 100 ms after the submit; 2 s in the queue leaves a loaded
    // machine plenty of room to see it.
    fake.set_delay(Duration::from_secs(3));
    fake.set_queue_wait(Duration::from_secs(2));
    for (provider, waiting) in [
        ("fal", "Waiting at fal (position 1)"),
        ("replicate", "Waiting at Replicate"),
    ] {
        let output = generate(&app, &fake, &["--provider", provider, "--prompt", "a queue"], &[]);
        assert!(output.status.success(), "{}", stderr(&output));
        assert!(stderr(&output).contains(waiting), "{provider}: {}", stderr(&output));
        assert_eq!(stdout_lines(&output).len(), 1);
    }
}

#[test]
fn passing_faults_are_retried_and_the_image_still_arrives_once() {
    let app = TempApp::new();
    let fake = FakeProvider::start(KEY);
    // 429 with Retry-After on the submit: refused, so nothing was made; sent again.
    fake.fail_next(
        Route::Submit,
        Fault::Status {
            code: 429,
            retry_after: Some(1),
            detail: "Request was throttled.".into(),
        },
        1,
    );
    // Two 500s on the status, one garbled status, one hung status call, one cut download.
    fake.fail_next(
        Route::Status,
        Fault::Status {
            code: 500,
            retry_after: None,
            detail: "boom".into(),
        },
        2,
    );
    let output = generate(&app, &fake, &["--provider", "fal", "--prompt", "retry me"], &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(fake.count(Route::Submit), 2, "one refused with 429, one accepted");
    assert!(fake.count(Route::Status) >= 3);

    fake.fail_next(Route::Status, Fault::Malformed, 1);
    fake.fail_next(Route::Status, Fault::Hang, 1);
    fake.fail_next(Route::Download, Fault::Truncated, 1);
    let output = generate(
        &app,
        &fake,
        &["--provider", "fal", "--prompt", "retry me again"],
        &[("DISTILLERY_REMOTE_TIMEOUT_MS", "700")],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(fake.count(Route::Submit), 3, "no submit repeated");
    assert_eq!(fake.count(Route::Download), 3, "the cut download was fetched again");
    assert_eq!(stdout_lines(&output).len(), 1);
    let stored = app.database().call_blocking(media::count_all).unwrap();
    assert_eq!(stored, 2);
}

/// Runs one fal job that must fail; returns its stderr.
fn failing_run(app: &TempApp, fake: &FakeProvider, env: &[(&str, &str)]) -> String {
    let output = generate(app, fake, &["--provider", "fal", "--prompt", "will fail"], env);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(stdout_lines(&output).is_empty());
    stderr(&output)
}

#[test]
fn refusals_and_provider_failures_end_the_job_with_a_clear_message() {
    let app = TempApp::new();
    let fake = FakeProvider::start(KEY);

    let wrong_key = failing_run(&app, &fake, &[("FAL_KEY", "not-the-key")]);
    assert!(wrong_key.contains("fal refused the API key"), "{wrong_key}");
    assert!(wrong_key.contains("FAL_KEY"), "{wrong_key}");
    assert!(!wrong_key.contains("not-the-key"), "the key is never repeated");

    fake.fail_next(
        Route::Submit,
        Fault::Status {
            code: 403,
            retry_after: None,
            detail: "User is locked. Reason: Exhausted balance.".into(),
        },
        1,
    );
    let locked = failing_run(&app, &fake, &[]);
    assert!(locked.contains("fal.ai/dashboard/billing"), "{locked}");

    let submits = fake.count(Route::Submit);
    fake.fail_next(
        Route::Submit,
        Fault::Status {
            code: 500,
            retry_after: None,
            detail: "internal".into(),
        },
        1,
    );
    let server_error = failing_run(&app, &fake, &[]);
    assert!(
        server_error.contains("could not take the job (HTTP 500"),
        "{server_error}"
    );
    assert_eq!(
        fake.count(Route::Submit),
        submits + 1,
        "a submit that may have run is not repeated"
    );

    fake.every_request(Some(Fault::Fails("CUDA out of memory".into())));
    let failed = failing_run(&app, &fake, &[]);
    assert!(
        failed.contains("fal could not make the image: CUDA out of memory"),
        "{failed}"
    );

    fake.every_request(Some(Fault::Expired));
    let expired = failing_run(&app, &fake, &[]);
    assert!(expired.contains("no longer holds this image"), "{expired}");
    fake.every_request(None);

    // The image's own signed URL has expired (it answers 403): asked once, and the message
    // says the result is gone, not that the API key is wrong.
    let downloads = fake.count(Route::Download);
    fake.fail_next(
        Route::Download,
        Fault::Status {
            code: 403,
            retry_after: None,
            detail: "Request has expired".into(),
        },
        1,
    );
    let url_expired = failing_run(&app, &fake, &[]);
    assert!(url_expired.contains("no longer holds this image"), "{url_expired}");
    assert!(!url_expired.contains("API key"), "{url_expired}");
    assert_eq!(
        fake.count(Route::Download),
        downloads + 1,
        "an expired URL is not asked again"
    );

    // A gateway that timed out on the submit may have passed it on: not submitted again.
    let submits = fake.count(Route::Submit);
    fake.fail_next(
        Route::Submit,
        Fault::Status {
            code: 504,
            retry_after: None,
            detail: "Gateway Timeout".into(),
        },
        1,
    );
    let gateway = failing_run(&app, &fake, &[]);
    assert!(gateway.contains("may have run anyway"), "{gateway}");
    assert_eq!(
        fake.count(Route::Submit),
        submits + 1,
        "one submit, never a second charge"
    );

    fake.every_request(Some(Fault::UnknownStatus("FAILED".into())));
    let unknown = failing_run(&app, &fake, &[]);
    assert!(unknown.contains("“FAILED”"), "{unknown}");
    fake.every_request(None);

    let no_key = failing_run(
        &app,
        &fake,
        &[
            ("FAL_KEY", ""),
            ("DBUS_SESSION_BUS_ADDRESS", ""),
            ("XDG_RUNTIME_DIR", "/nonexistent"),
        ],
    );
    assert!(no_key.contains("No fal API key"), "{no_key}");
    assert_eq!(
        app.database().call_blocking(media::count_all).unwrap(),
        0,
        "nothing half-stored"
    );
}

#[test]
fn replicate_failures_expired_output_and_unknown_statuses() {
    let app = TempApp::new();
    let fake = FakeProvider::start(KEY);
    let run = |fault: Fault| {
        fake.every_request(Some(fault));
        let output = generate(&app, &fake, &["--provider", "replicate", "--prompt", "will fail"], &[]);
        assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
        stderr(&output)
    };
    assert!(
        run(Fault::Fails("NSFW content detected".into()))
            .contains("Replicate could not make the image: NSFW content detected")
    );
    assert!(run(Fault::Expired).contains("no longer holds this image"));
    assert!(run(Fault::UnknownStatus("aborted".into())).contains("deadline passed"));
    assert!(run(Fault::UnknownStatus("paused".into())).contains("“paused”"));
    fake.every_request(None);
    fake.fail_next(
        Route::Submit,
        Fault::Status {
            code: 402,
            retry_after: None,
            detail: "You need to set up billing to run this model.".into(),
        },
        1,
    );
    let output = generate(&app, &fake, &["--provider", "replicate", "--prompt", "no credit"], &[]);
    assert!(
        stderr(&output).contains("replicate.com/account/billing"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn a_bad_provider_or_model_is_a_usage_error() {
    let app = TempApp::new();
    let fake = FakeProvider::start(KEY);
    let output = generate(&app, &fake, &["--provider", "openai", "--prompt", "x"], &[]);
    assert_eq!(output.status.code(), Some(2));
    let output = generate(
        &app,
        &fake,
        &["--provider", "replicate", "--model", "9b", "--prompt", "x"],
        &[],
    );
    assert_eq!(output.status.code(), Some(1));
    assert!(
        stderr(&output).contains("Replicate has no model “9b”"),
        "{}",
        stderr(&output)
    );
    assert_eq!(fake.count(Route::Submit), 0);
}
