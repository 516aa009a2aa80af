//! `remote_requests`: what a hosted provider gave back for a job's submit, kept so that a
//! restart polls the paid request instead of submitting it again.

use super::DbError;
use super::schema::{queue, remote_requests};
use super::types::{JobId, JobStatus, Timestamp};
use diesel::prelude::*;

/// How far a recorded request got.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestState {
    /// Submitted and not yet finished: polling it again is worthwhile.
    Submitted,
    Finished,
    Failed,
    Cancelled,
    /// The provider no longer holds the result.
    Expired,
}

impl RequestState {
    pub fn as_str(self) -> &'static str {
        match self {
            RequestState::Submitted => "submitted",
            RequestState::Finished => "finished",
            RequestState::Failed => "failed",
            RequestState::Cancelled => "cancelled",
            RequestState::Expired => "expired",
        }
    }

    fn parse(text: &str) -> Self {
        match text {
            "finished" => RequestState::Finished,
            "failed" => RequestState::Failed,
            "cancelled" => RequestState::Cancelled,
            "expired" => RequestState::Expired,
            _ => RequestState::Submitted,
        }
    }
}

/// A provider's request for one job, with the URLs the provider said to use for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteRequest {
    pub job_id: JobId,
    pub provider: String,
    pub model: String,
    pub request_id: String,
    pub status_url: String,
    pub result_url: String,
    pub cancel_url: Option<String>,
    pub submitted_at: String,
    pub state: RequestState,
}

type Row = (
    JobId,
    String,
    String,
    String,
    String,
    String,
    Option<String>,
    String,
    String,
);

fn from_row(row: Row) -> RemoteRequest {
    let (job_id, provider, model, request_id, status_url, result_url, cancel_url, submitted_at, state) = row;
    RemoteRequest {
        job_id,
        provider,
        model,
        request_id,
        status_url,
        result_url,
        cancel_url,
        submitted_at,
        state: RequestState::parse(&state),
    }
}

/// Records a submit that just returned. Returns false (and records nothing) when the job is
/// no longer processing: it was cancelled meanwhile, and the caller cancels the request.
pub fn record(conn: &mut SqliteConnection, request: &RemoteRequest) -> Result<bool, DbError> {
    super::transaction::write(conn, |conn| {
        let processing = queue::table
            .find(&request.job_id)
            .select(queue::status)
            .first::<JobStatus>(conn)
            .optional()?
            == Some(JobStatus::Processing);
        diesel::replace_into(remote_requests::table)
            .values((
                remote_requests::job_id.eq(&request.job_id),
                remote_requests::provider.eq(&request.provider),
                remote_requests::model.eq(&request.model),
                remote_requests::request_id.eq(&request.request_id),
                remote_requests::status_url.eq(&request.status_url),
                remote_requests::result_url.eq(&request.result_url),
                remote_requests::cancel_url.eq(&request.cancel_url),
                remote_requests::submitted_at.eq(Timestamp::now().as_str()),
                remote_requests::state.eq(if processing {
                    RequestState::Submitted.as_str()
                } else {
                    RequestState::Cancelled.as_str()
                }),
            ))
            .execute(conn)?;
        Ok(processing)
    })
}

/// The request recorded for `job`, if any.
pub fn get(conn: &mut SqliteConnection, job: &JobId) -> Result<Option<RemoteRequest>, DbError> {
    let row: Option<Row> = remote_requests::table
        .find(job)
        .select((
            remote_requests::job_id,
            remote_requests::provider,
            remote_requests::model,
            remote_requests::request_id,
            remote_requests::status_url,
            remote_requests::result_url,
            remote_requests::cancel_url,
            remote_requests::submitted_at,
            remote_requests::state,
        ))
        .first(conn)
        .optional()?;
    Ok(row.map(from_row))
}

pub fn set_state(conn: &mut SqliteConnection, job: &JobId, state: RequestState) -> Result<(), DbError> {
    diesel::update(remote_requests::table.find(job))
        .set(remote_requests::state.eq(state.as_str()))
        .execute(conn)?;
    Ok(())
}

/// Forgets a finished-with request so the job's next run submits anew.
pub fn forget(conn: &mut SqliteConnection, job: &JobId) -> Result<(), DbError> {
    diesel::delete(remote_requests::table.find(job)).execute(conn)?;
    Ok(())
}
