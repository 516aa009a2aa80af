//! Changes that span the queue, generations, inputs and media tables, each in one
//! transaction, so the library never holds half a job.

use super::DbError;
use super::generation_inputs::{self, NewGenerationInput};
use super::generations::{self, GenerationOutcome, NewGeneration};
use super::media::{self, Media, NewMedia};
use super::queue::{self, QueueJob};
use super::schema::{generations as generations_table, queue as queue_table};
use super::types::{GenerationId, GenerationStatus, JobId, JobStatus, Timestamp};
use diesel::prelude::*;

/// Stores a submitted generation, its reference images and its queue job.
pub fn submit(
    conn: &mut SqliteConnection,
    generation: &NewGeneration,
    inputs: &[NewGenerationInput],
    priority: i32,
) -> Result<QueueJob, DbError> {
    crate::db::transaction::write(conn, |conn| {
        generations::insert(conn, generation)?;
        if !inputs.is_empty() {
            generation_inputs::insert_all(conn, &generation.id, inputs)?;
        }
        queue::insert(conn, &generation.id, priority)
    })
}

/// Records a finished job: the new media row, the generation's outcome and the job's
/// completion. Returns `None` (and changes nothing) if the job is no longer processing,
/// e.g. because it was cancelled while the engine finished it.
pub fn complete(
    conn: &mut SqliteConnection,
    job: &JobId,
    generation: &GenerationId,
    outcome: &GenerationOutcome,
    new_media: &NewMedia,
) -> Result<Option<Media>, DbError> {
    crate::db::transaction::write(conn, |conn| {
        let still_running = queue_table::table
            .find(job)
            .select(queue_table::status)
            .first::<JobStatus>(conn)
            .optional()?
            == Some(JobStatus::Processing);
        if !still_running {
            return Ok(None);
        }
        let stored = media::insert(conn, new_media)?;
        generations::mark_completed(conn, generation, outcome)?;
        queue::finish(conn, job, None)?;
        Ok(Some(stored))
    })
}

/// Records a failed job and its generation; returns false if the job was not processing.
pub fn fail(
    conn: &mut SqliteConnection,
    job: &JobId,
    generation: &GenerationId,
    message: &str,
    total_time_ms: Option<i64>,
) -> Result<bool, DbError> {
    crate::db::transaction::write(conn, |conn| {
        let failed = queue::finish(conn, job, Some(message))?;
        if failed {
            generations::mark_failed(conn, generation, total_time_ms)?;
        }
        Ok(failed)
    })
}

/// Fails a job that never got to run (recovery, or an unreadable generation).
pub fn fail_pending_or_processing(conn: &mut SqliteConnection, job: &JobId, message: &str) -> Result<bool, DbError> {
    crate::db::transaction::write(conn, |conn| {
        let Some(found) = queue::get(conn, job)? else {
            return Ok(false);
        };
        let changed = diesel::update(
            queue_table::table
                .find(job)
                .filter(queue_table::status.eq_any([JobStatus::Pending, JobStatus::Processing])),
        )
        .set((
            queue_table::status.eq(JobStatus::Failed),
            queue_table::error_message.eq(message),
            queue_table::completed_at.eq(Timestamp::now().as_str()),
        ))
        .execute(conn)?;
        if changed == 1 {
            generations::mark_failed(conn, &found.generation_id, None)?;
        }
        Ok(changed == 1)
    })
}

/// Runs a failed job again: the job goes back to pending (keeping its attempt count) and its
/// generation back to pending. Returns false if the job had not failed.
pub fn retry(conn: &mut SqliteConnection, job: &JobId) -> Result<bool, DbError> {
    crate::db::transaction::write(conn, |conn| {
        let Some(found) = queue::get(conn, job)? else {
            return Ok(false);
        };
        if found.status != JobStatus::Failed {
            return Ok(false);
        }
        queue::requeue(conn, job)?;
        diesel::update(generations_table::table.find(&found.generation_id))
            .set(generations_table::status.eq(GenerationStatus::Pending))
            .execute(conn)?;
        Ok(true)
    })
}
