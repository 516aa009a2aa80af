//! One retry policy for every hosted call: what a failure means, whether to try again, how
//! long to wait, and the message a user reads when it is over.
//!
//! - Nothing reached the provider (offline): wait and try again, for as long as it takes.
//! - 429: wait as long as `Retry-After` says, else back off; bounded.
//! - 5xx, a timeout or a garbled reply on a read: back off; at most [`MAX_TRIES`].
//! - The submit is never repeated when it may have reached the provider (a 500, a 502 or
//!   504 from a gateway that gave up waiting on it, no answer): that could pay twice. A 503
//!   and a 429 mean it did not run.
//! - 401, 402, 403, 4xx and an expired result fail at once, naming what to do. On the image
//!   download, a refusal or a missing file is the signed URL's expiry, not the API key's.

use super::http::CallError;
use crate::generation::Provider;
use std::time::Duration;

/// Tries of one call before the job fails (offline waits are not counted).
pub const MAX_TRIES: u32 = 5;
/// 429s in a row before giving up.
const MAX_THROTTLED: u32 = 8;
const MAX_WAIT: Duration = Duration::from_secs(60);

/// What a call is, for deciding whether repeating it is safe.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallKind {
    /// Creating the request: repeating it could make (and charge for) a second image.
    Submit,
    /// Status and result: repeating them is free.
    Read,
    /// The image at the result's URL: free to repeat; its URL is signed and expires.
    Download,
}

/// Why a job failed, for the message and for what the job's retry does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureKind {
    Auth,
    Billing,
    Invalid,
    /// The provider no longer holds the result.
    Expired,
    /// The provider kept failing or stopped answering; the request may still finish.
    Unavailable,
    /// The submit may have reached the provider without an answer.
    Ambiguous,
    /// The provider ran the request and it failed there.
    Rejected,
    Other,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub kind: FailureKind,
    pub message: String,
}

impl Failure {
    pub fn new(kind: FailureKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
        }
    }
}

/// What to do after a failed call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Try the call again after `wait`. `offline`: nothing reached the provider.
    Again {
        wait: Duration,
        offline: bool,
    },
    Fail(Failure),
}

/// Decides what follows the `attempt`-th failed try (from 1) of a call.
pub fn judge(provider: Provider, kind: CallKind, error: &CallError, attempt: u32) -> Verdict {
    let name = provider.display_name();
    let again = |wait| Verdict::Again { wait, offline: false };
    match error {
        CallError::Offline(_) => Verdict::Again {
            wait: backoff(attempt).min(Duration::from_secs(30)),
            offline: true,
        },
        CallError::Status {
            code: 429, retry_after, ..
        } => {
            if attempt >= MAX_THROTTLED {
                fail(
                    FailureKind::Unavailable,
                    crate::i18n::fill(
                        &crate::i18n::tr("{} kept refusing requests as too many (HTTP 429); retry the job later"),
                        &[name],
                    ),
                )
            } else {
                again(retry_after.unwrap_or_else(|| backoff(attempt)).min(MAX_WAIT))
            }
        }
        CallError::Status {
            code,
            caller_timeout: true,
            detail,
            ..
        } => fail(
            FailureKind::Rejected,
            crate::i18n::fill(
                &crate::i18n::tr("{} stopped the request as too slow (HTTP {}: {})"),
                &[name, &code.to_string(), &detail.to_string()],
            ),
        ),
        CallError::Status { code, detail, .. } => status_verdict(provider, kind, *code, detail, attempt),
        CallError::NoAnswer(text) | CallError::BadReply(text) if kind == CallKind::Submit => ambiguous(provider, text),
        CallError::NoAnswer(text) | CallError::BadReply(text) => {
            if attempt >= MAX_TRIES {
                fail(
                    FailureKind::Unavailable,
                    crate::i18n::fill(
                        &crate::i18n::tr("{} stopped answering ({}); retry the job to look for its image again"),
                        &[name, &text.to_string()],
                    ),
                )
            } else {
                again(backoff(attempt))
            }
        }
        CallError::Fatal(text) => fail(
            FailureKind::Other,
            crate::i18n::fill(&crate::i18n::tr("could not reach {}: {}"), &[name, &text.to_string()]),
        ),
    }
}

fn status_verdict(provider: Provider, kind: CallKind, code: u16, detail: &str, attempt: u32) -> Verdict {
    let name = provider.display_name();
    let key_help = match provider {
        Provider::Replicate => {
            crate::i18n::tr("Set a new API token in Settings → Hosted providers, or in REPLICATE_API_TOKEN")
        }
        _ => crate::i18n::tr("Set a new API key in Settings → Hosted providers, or in FAL_KEY"),
    };
    let billing = code == 402 || (code == 403 && mentions_billing(detail));
    let said = crate::i18n::fill(&crate::i18n::tr("HTTP {}: {}"), &[&code.to_string(), detail]);
    match code {
        401 | 403 | 404 | 410 if kind == CallKind::Download => Verdict::Fail(expired(provider, &said)),
        _ if billing => fail(
            FailureKind::Billing,
            match provider {
                Provider::Replicate => crate::i18n::fill(
                    &crate::i18n::tr(
                        "Replicate wants billing set up or credit added ({}): see replicate.com/account/billing",
                    ),
                    &[detail],
                ),
                _ => crate::i18n::fill(
                    &crate::i18n::tr(
                        "fal refused the job for the account's balance ({}): top up at fal.ai/dashboard/billing",
                    ),
                    &[detail],
                ),
            },
        ),
        401 | 403 => fail(
            FailureKind::Auth,
            crate::i18n::fill(
                &crate::i18n::tr("{} refused the API key (HTTP {}: {}). {}"),
                &[name, &code.to_string(), detail, &key_help.to_string()],
            ),
        ),
        404 | 410 if kind == CallKind::Read => Verdict::Fail(expired(provider, &said)),
        400..=499 => fail(
            FailureKind::Invalid,
            crate::i18n::fill(
                &crate::i18n::tr("{} did not accept the job (HTTP {}: {})"),
                &[name, &code.to_string(), detail],
            ),
        ),
        // A gateway that gave up waiting may have passed the submit on: never repeat it.
        502 | 504 if kind == CallKind::Submit => ambiguous(provider, &said),
        // Unavailable: the request did not reach a model, so even a submit may repeat.
        502..=504 if attempt < MAX_TRIES => Verdict::Again {
            wait: backoff(attempt),
            offline: false,
        },
        _ if kind != CallKind::Submit && attempt < MAX_TRIES => Verdict::Again {
            wait: backoff(attempt),
            offline: false,
        },
        _ if kind == CallKind::Submit => fail(
            FailureKind::Unavailable,
            crate::i18n::fill(
                &crate::i18n::tr("{} could not take the job (HTTP {}: {}); retry it later"),
                &[name, &code.to_string(), detail],
            ),
        ),
        _ => fail(
            FailureKind::Unavailable,
            crate::i18n::fill(
                &crate::i18n::tr("{} is not answering (HTTP {}: {}); retry the job to look for its image again"),
                &[name, &code.to_string(), detail],
            ),
        ),
    }
}

/// A submit that may have reached the provider without a clear answer (`why`): never sent
/// again, since that could pay twice.
fn ambiguous(provider: Provider, why: &str) -> Verdict {
    let name = provider.display_name();
    fail(
        FailureKind::Ambiguous,
        crate::i18n::fill(
            &crate::i18n::tr(
                "{} did not answer the submit clearly ({}). It may have run anyway: check your {} dashboard before retrying this job",
            ),
            &[name, why, name],
        ),
    )
}

/// The provider has removed the result (`why`: what said so). Never retried: asking again
/// cannot bring it back.
pub fn expired(provider: Provider, why: &str) -> Failure {
    Failure::new(
        FailureKind::Expired,
        crate::i18n::fill(
            &crate::i18n::tr(
                "{} no longer holds this image ({}); results are kept for about an hour. Retrying the job makes it again, and is charged again",
            ),
            &[provider.display_name(), why],
        ),
    )
}

fn mentions_billing(detail: &str) -> bool {
    let lower = detail.to_ascii_lowercase();
    ["balance", "billing", "credit", "locked", "top up"]
        .iter()
        .any(|w| lower.contains(w))
}

fn fail(kind: FailureKind, message: String) -> Verdict {
    Verdict::Fail(Failure::new(kind, message))
}

/// 1 s, 2 s, 4 s… (the base can be shortened for tests with `DISTILLERY_REMOTE_BACKOFF_MS`).
pub fn backoff(attempt: u32) -> Duration {
    let base_ms: u64 = std::env::var("DISTILLERY_REMOTE_BACKOFF_MS")
        .ok()
        .and_then(|ms| ms.parse().ok())
        .unwrap_or(1000);
    Duration::from_millis(base_ms.saturating_mul(1 << attempt.saturating_sub(1).min(10))).min(MAX_WAIT)
}

#[cfg(test)]
mod tests;
