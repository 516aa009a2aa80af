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
    /// How many times the job has been started.
    pub attempts: i32,
}

/// Adds a pending job for `generation` and returns it.
pub fn insert(conn: &mut SqliteConnection, generation: &GenerationId, priority: i32) -> Result<QueueJob, DbError> {
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

/// The jobs with these ids that exist, in no particular order.
pub fn get_many(conn: &mut SqliteConnection, ids: &[JobId]) -> Result<Vec<QueueJob>, DbError> {
    let mut found = Vec::with_capacity(ids.len());
    // SQLite allows a limited number of bound values per statement.
    for chunk in ids.chunks(500) {
        found.extend(
            queue::table
                .filter(queue::id.eq_any(chunk))
                .select(QueueJob::as_select())
                .load(conn)?,
        );
    }
    Ok(found)
}

/// The job that should run next: pending, highest priority, oldest (ids break ties: they
/// are time-ordered, finer than the millisecond timestamps).
pub fn next_pending(conn: &mut SqliteConnection) -> Result<Option<QueueJob>, DbError> {
    Ok(queue::table
        .filter(queue::status.eq(JobStatus::Pending))
        .order((queue::priority.desc(), queue::created_at.asc(), queue::id.asc()))
        .select(QueueJob::as_select())
        .first(conn)
        .optional()?)
}

/// The job of one provider ("local", "fal", "replicate") that should run next, in the same
/// order as [`next_pending`]: each provider works through its own jobs in queue order.
pub fn next_pending_for(conn: &mut SqliteConnection, provider: &str) -> Result<Option<QueueJob>, DbError> {
    use super::schema::generations;
    Ok(queue::table
        .inner_join(generations::table)
        .filter(queue::status.eq(JobStatus::Pending))
        .filter(generations::provider.eq(provider))
        .order((queue::priority.desc(), queue::created_at.asc(), queue::id.asc()))
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

/// Moves a pending job to processing and counts the attempt; returns false if it was not
/// pending.
pub fn mark_processing(conn: &mut SqliteConnection, id: &JobId) -> Result<bool, DbError> {
    let changed = diesel::update(queue::table.find(id).filter(queue::status.eq(JobStatus::Pending)))
        .set((
            queue::status.eq(JobStatus::Processing),
            queue::started_at.eq(Timestamp::now().as_str()),
            queue::attempts.eq(queue::attempts + 1),
        ))
        .execute(conn)?;
    Ok(changed == 1)
}

/// Jobs left processing (by an app that was killed).
pub fn processing(conn: &mut SqliteConnection) -> Result<Vec<QueueJob>, DbError> {
    Ok(queue::table
        .filter(queue::status.eq(JobStatus::Processing))
        .order((queue::created_at.asc(), queue::id.asc()))
        .select(QueueJob::as_select())
        .load(conn)?)
}

/// Puts a processing or failed job back to pending, keeping its attempt count; returns false
/// if it was in neither state.
pub fn requeue(conn: &mut SqliteConnection, id: &JobId) -> Result<bool, DbError> {
    let changed = diesel::update(
        queue::table
            .find(id)
            .filter(queue::status.eq_any([JobStatus::Processing, JobStatus::Failed])),
    )
    .set((
        queue::status.eq(JobStatus::Pending),
        queue::error_message.eq(None::<String>),
        queue::started_at.eq(None::<String>),
        queue::completed_at.eq(None::<String>),
    ))
    .execute(conn)?;
    Ok(changed == 1)
}

/// Cancels a job that is processing (its result will be discarded); returns false if it was
/// not processing.
pub fn cancel_processing(conn: &mut SqliteConnection, id: &JobId) -> Result<bool, DbError> {
    let changed = diesel::update(queue::table.find(id).filter(queue::status.eq(JobStatus::Processing)))
        .set((
            queue::status.eq(JobStatus::Cancelled),
            queue::completed_at.eq(Timestamp::now().as_str()),
        ))
        .execute(conn)?;
    Ok(changed == 1)
}

/// Moves a pending job one place sooner (`up`) or later in the run order; returns false when
/// it is not pending or already at that end.
pub fn move_pending(conn: &mut SqliteConnection, id: &JobId, up: bool) -> Result<bool, DbError> {
    crate::db::transaction::write(conn, |conn| {
        let pending: Vec<JobId> = queue::table
            .filter(queue::status.eq(JobStatus::Pending))
            .order((queue::priority.desc(), queue::created_at.asc(), queue::id.asc()))
            .select(queue::id)
            .load(conn)?;
        let Some(at) = pending.iter().position(|job| job == id) else {
            return Ok(false);
        };
        let other = if up {
            at.checked_sub(1)
        } else {
            Some(at + 1).filter(|n| *n < pending.len())
        };
        let Some(other) = other else { return Ok(false) };
        let mut order = pending;
        order.swap(at, other);
        // Renumber the waiting jobs so the new order is explicit (priorities run high to
        // low). Jobs submitted later keep priority 0 and so still come after these.
        let count = order.len() as i32;
        for (index, job) in order.iter().enumerate() {
            diesel::update(queue::table.find(job))
                .set(queue::priority.eq(count - index as i32))
                .execute(conn)?;
        }
        Ok::<_, DbError>(true)
    })
}

/// The most recent jobs in any state, newest first (for `distillery queue`).
pub fn recent(conn: &mut SqliteConnection, limit: i64) -> Result<Vec<QueueJob>, DbError> {
    Ok(queue::table
        .order((queue::created_at.desc(), queue::id.desc()))
        .limit(limit)
        .select(QueueJob::as_select())
        .load(conn)?)
}

/// Ends a processing job as completed, or failed with a message; returns false if it was not
/// processing.
pub fn finish(conn: &mut SqliteConnection, id: &JobId, error: Option<&str>) -> Result<bool, DbError> {
    let status = if error.is_some() {
        JobStatus::Failed
    } else {
        JobStatus::Completed
    };
    let changed = diesel::update(queue::table.find(id).filter(queue::status.eq(JobStatus::Processing)))
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
    let changed = diesel::update(queue::table.find(id).filter(queue::status.eq(JobStatus::Pending)))
        .set((
            queue::status.eq(JobStatus::Cancelled),
            queue::completed_at.eq(Timestamp::now().as_str()),
        ))
        .execute(conn)?;
    Ok(changed == 1)
}
