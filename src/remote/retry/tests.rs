//! The retry policy's decisions, one failure at a time.

use super::*;

fn status(code: u16, detail: &str) -> CallError {
    CallError::Status {
        code,
        retry_after: None,
        detail: detail.into(),
        caller_timeout: false,
    }
}

fn failure_kind(verdict: Verdict) -> FailureKind {
    match verdict {
        Verdict::Fail(failure) => failure.kind,
        other => panic!("expected a failure, got {other:?}"),
    }
}

#[test]
fn a_gateway_that_gave_up_on_a_submit_is_not_asked_again() {
    // A 504 (or 502) can come after the provider took the request: repeating it could pay
    // twice. A 503 means it was not taken, and the same gateways on a read are retried.
    for code in [502, 504] {
        let verdict = judge(Provider::Fal, CallKind::Submit, &status(code, "gateway"), 1);
        assert_eq!(failure_kind(verdict), FailureKind::Ambiguous, "{code}");
    }
    assert!(matches!(
        judge(Provider::Fal, CallKind::Submit, &status(503, "busy"), 1),
        Verdict::Again { offline: false, .. }
    ));
    assert!(matches!(
        judge(Provider::Fal, CallKind::Read, &status(504, "gateway"), 1),
        Verdict::Again { .. }
    ));
}

#[test]
fn an_image_url_that_refuses_or_is_gone_has_expired() {
    // Signed result URLs answer 401, 403, 404 or 410 once they expire; that is no API-key
    // problem and asking again cannot help.
    for code in [401, 403, 404, 410] {
        let verdict = judge(
            Provider::Replicate,
            CallKind::Download,
            &status(code, "Request has expired"),
            1,
        );
        assert_eq!(failure_kind(verdict), FailureKind::Expired, "{code}");
    }
    assert!(matches!(
        judge(Provider::Fal, CallKind::Download, &status(500, "oops"), 1),
        Verdict::Again { .. }
    ));
    assert_eq!(
        failure_kind(judge(Provider::Fal, CallKind::Read, &status(403, "no"), 1)),
        FailureKind::Auth,
        "on the API itself a 403 is still the key"
    );
}

#[test]
fn throttling_waits_as_told_and_is_bounded() {
    let told = CallError::Status {
        code: 429,
        retry_after: Some(Duration::from_secs(3)),
        detail: String::new(),
        caller_timeout: false,
    };
    assert_eq!(
        judge(Provider::Replicate, CallKind::Submit, &told, 1),
        Verdict::Again {
            wait: Duration::from_secs(3),
            offline: false
        }
    );
    assert_eq!(
        failure_kind(judge(Provider::Replicate, CallKind::Submit, &told, 8)),
        FailureKind::Unavailable
    );
}

#[test]
fn a_submit_that_may_have_run_is_never_repeated() {
    let no_answer = CallError::NoAnswer("timed out".into());
    assert_eq!(
        failure_kind(judge(Provider::Fal, CallKind::Submit, &no_answer, 1)),
        FailureKind::Ambiguous
    );
    assert!(matches!(
        judge(Provider::Fal, CallKind::Read, &no_answer, 1),
        Verdict::Again { .. }
    ));
    assert_eq!(
        failure_kind(judge(Provider::Fal, CallKind::Submit, &status(500, "boom"), 1)),
        FailureKind::Unavailable
    );
    assert!(matches!(
        judge(Provider::Fal, CallKind::Submit, &status(503, "busy"), 1),
        Verdict::Again { .. }
    ));
    assert!(matches!(
        judge(Provider::Fal, CallKind::Read, &status(500, "boom"), 4),
        Verdict::Again { .. }
    ));
    assert_eq!(
        failure_kind(judge(Provider::Fal, CallKind::Read, &status(500, "boom"), 5)),
        FailureKind::Unavailable
    );
}

#[test]
fn offline_waits_without_limit() {
    let offline = CallError::Offline("connection refused".into());
    assert!(matches!(
        judge(Provider::Fal, CallKind::Submit, &offline, 100),
        Verdict::Again { offline: true, .. }
    ));
}

#[test]
fn refusals_say_what_to_do() {
    let Verdict::Fail(auth) = judge(
        Provider::Replicate,
        CallKind::Submit,
        &status(401, "Unauthenticated"),
        1,
    ) else {
        panic!()
    };
    assert_eq!(auth.kind, FailureKind::Auth);
    assert!(auth.message.contains("REPLICATE_API_TOKEN"), "{}", auth.message);
    let locked = status(403, "User is locked. Reason: Exhausted balance.");
    let Verdict::Fail(billing) = judge(Provider::Fal, CallKind::Submit, &locked, 1) else {
        panic!()
    };
    assert_eq!(billing.kind, FailureKind::Billing);
    assert!(billing.message.contains("fal.ai/dashboard/billing"));
    assert_eq!(
        failure_kind(judge(
            Provider::Replicate,
            CallKind::Submit,
            &status(402, "Billing required"),
            1
        )),
        FailureKind::Billing
    );
    assert_eq!(
        failure_kind(judge(Provider::Fal, CallKind::Read, &status(404, "not found"), 1)),
        FailureKind::Expired
    );
    assert_eq!(
        failure_kind(judge(Provider::Fal, CallKind::Submit, &status(422, "bad"), 1)),
        FailureKind::Invalid
    );
}

#[test]
fn backoff_doubles_and_is_capped() {
    assert!(backoff(2) >= backoff(1));
    assert!(backoff(40) <= MAX_WAIT);
}
