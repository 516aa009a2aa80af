//! `queue`: the persistent generation queue. One job per generation.

use super::DbError;
use super::schema::queue;
use super::types::{GenerationId, JobId, JobStatus, Timestamp};
use diesel::prelude::*;

/// One job of the generation queue.
#[derive(Debug, Clone, PartialEq, Queryable, Selectable)]
#[diesel(table_name = queue, check_for_backend(diesel::sqlite::Sqlite))]
pub struct QueueJob {
    pub id: JobId,
    pub generation_id: GenerationId,
    pub status: JobStatus,
    /// Higher runs sooner.
    pub priority: i32,
    pub error_message: Option<String>,
    #[diesel(deserialize_as = String)]
    pub created_at: Timestamp,
    pub started_at: Option<String>,
    pub completed_at: Option<String>,
}

/// Adds a pending job for `generation` and returns it.
pub fn insert(
    conn: &mut SqliteConnection,
    generation: &GenerationId,
    priority: i32,
) -> Result<QueueJob, DbError> {
    let id = JobId::new();
    diesel::insert_into(queue::table)
        .values((
            queue::id.eq(&id),
            queue::generation_id.eq(generation),
            queue::status.eq(JobStatus::Pending),
            queue::priority.eq(priority),
            queue::created_at.eq(Timestamp::now().as_str()),
        ))
        .execute(conn)?;
    get(conn, &id)?.ok_or(DbError::Query(diesel::result::Error::NotFound))
}

/// The job with this id, if it exists.
pub fn get(conn: &mut SqliteConnection, id: &JobId) -> Result<Option<QueueJob>, DbError> {
    Ok(queue::table
        .find(id)
        .select(QueueJob::as_select())
        .first(conn)
        .optional()?)
}

/// The job that should run next: pending, highest priority, oldest (ids break ties: they
/// are time-ordered, finer than the millisecond timestamps).
pub fn next_pending(conn: &mut SqliteConnection) -> Result<Option<QueueJob>, DbError> {
    Ok(queue::table
        .filter(queue::status.eq(JobStatus::Pending))
        .order((
            queue::priority.desc(),
            queue::created_at.asc(),
            queue::id.asc(),
        ))
        .select(QueueJob::as_select())
        .first(conn)
        .optional()?)
}

/// Jobs waiting or running, in the order they will run (the running one first).
pub fn active(conn: &mut SqliteConnection) -> Result<Vec<QueueJob>, DbError> {
    Ok(queue::table
        .filter(queue::status.eq_any([JobStatus::Processing, JobStatus::Pending]))
        .order((
            queue::status.desc(),
            queue::priority.desc(),
            queue::created_at.asc(),
            queue::id.asc(),
        ))
        .select(QueueJob::as_select())
        .load(conn)?)
}

/// Moves a pending job to processing; returns false if it was not pending.
pub fn mark_processing(conn: &mut SqliteConnection, id: &JobId) -> Result<bool, DbError> {
    let changed = diesel::update(
        queue::table
            .find(id)
            .filter(queue::status.eq(JobStatus::Pending)),
    )
    .set((
        queue::status.eq(JobStatus::Processing),
        queue::started_at.eq(Timestamp::now().as_str()),
    ))
    .execute(conn)?;
    Ok(changed == 1)
}

/// Ends a processing job as completed, or failed with a message; returns false if it was not
/// processing.
pub fn finish(
    conn: &mut SqliteConnection,
    id: &JobId,
    error: Option<&str>,
) -> Result<bool, DbError> {
    let status = if error.is_some() {
        JobStatus::Failed
    } else {
        JobStatus::Completed
    };
    let changed = diesel::update(
        queue::table
            .find(id)
            .filter(queue::status.eq(JobStatus::Processing)),
    )
    .set((
        queue::status.eq(status),
        queue::error_message.eq(error),
        queue::completed_at.eq(Timestamp::now().as_str()),
    ))
    .execute(conn)?;
    Ok(changed == 1)
}

/// Cancels a pending job; returns false if it was no longer pending.
pub fn cancel_pending(conn: &mut SqliteConnection, id: &JobId) -> Result<bool, DbError> {
    let changed = diesel::update(
        queue::table
            .find(id)
            .filter(queue::status.eq(JobStatus::Pending)),
    )
    .set((
        queue::status.eq(JobStatus::Cancelled),
        queue::completed_at.eq(Timestamp::now().as_str()),
    ))
    .execute(conn)?;
    Ok(changed == 1)
}
