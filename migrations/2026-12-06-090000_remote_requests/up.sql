-- A job sent to a hosted provider (fal, Replicate): the provider's request id and the URLs it
-- gave for status, result and cancel. Written the moment the submit returns, before anything
-- else, so a restart polls the paid request instead of submitting (and paying) again.
-- `state`: submitted (polling it is worthwhile), finished, failed, cancelled or expired (a
-- retry of the job submits anew).
CREATE TABLE remote_requests (
    job_id       TEXT PRIMARY KEY NOT NULL REFERENCES queue (id) ON DELETE CASCADE,
    provider     TEXT NOT NULL,
    model        TEXT NOT NULL,
    request_id   TEXT NOT NULL,
    status_url   TEXT NOT NULL,
    result_url   TEXT NOT NULL,
    cancel_url   TEXT,
    submitted_at TEXT NOT NULL,
    state        TEXT NOT NULL DEFAULT 'submitted'
) WITHOUT ROWID;
