-- Distillery's library database, as in section 7 of the MVP spec.
-- Timestamps are ISO 8601 UTC with milliseconds ("2026-11-25T12:00:00.000Z"), so text order is time order.

CREATE TABLE base_models (
    id          TEXT PRIMARY KEY NOT NULL,
    name        TEXT NOT NULL UNIQUE,
    family      TEXT NOT NULL,
    media_type  TEXT NOT NULL,
    created_at  TEXT NOT NULL
);

INSERT INTO base_models (id, name, family, media_type, created_at) VALUES
    ('0193a000-0000-7000-8000-000000000004', 'FLUX.2 Klein 4B', 'FLUX.2 Klein', 'image', '2026-11-25T12:00:00.000Z'),
    ('0193a000-0000-7000-8000-000000000009', 'FLUX.2 Klein 9B', 'FLUX.2 Klein', 'image', '2026-11-25T12:00:00.000Z');

CREATE TABLE generations (
    id                    TEXT PRIMARY KEY NOT NULL,
    base_model_id         TEXT REFERENCES base_models(id),
    provider              TEXT NOT NULL,
    model_file            TEXT,
    prompt                TEXT,
    width                 INTEGER,
    height                INTEGER,
    seed                  BIGINT,
    steps                 INTEGER,
    guidance              DOUBLE,
    sampling_method       TEXT,
    params_json           TEXT,
    status                TEXT NOT NULL CHECK (status IN ('pending', 'completed', 'failed')),
    total_time_ms         BIGINT,
    prompt_cache_hit      BOOLEAN,
    ref_latent_cache_hit  BOOLEAN,
    created_at            TEXT NOT NULL
);

CREATE TABLE media (
    id             TEXT PRIMARY KEY NOT NULL,
    file_path      TEXT NOT NULL UNIQUE,
    thumb_path     TEXT,
    file_name      TEXT NOT NULL,
    media_type     TEXT NOT NULL,
    origin         TEXT NOT NULL CHECK (origin IN ('generation', 'import')),
    width          INTEGER,
    height         INTEGER,
    file_size      BIGINT,
    rating         INTEGER NOT NULL DEFAULT 0 CHECK (rating BETWEEN 0 AND 5),
    status         TEXT CHECK (status IN ('selected', 'rejected')),
    generation_id  TEXT REFERENCES generations(id) ON DELETE SET NULL,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);

-- The grid sorts by date or by rating and filters by rating (at least N) and status, paging by
-- keyset (sort key, id). Each index below serves one filter x sort family without a temporary
-- sort; tests/db_query_plans.rs checks every combination with EXPLAIN QUERY PLAN.
CREATE INDEX media_created_idx ON media (created_at, id);
CREATE INDEX media_status_created_idx ON media (status, created_at, id);
CREATE INDEX media_rating_created_idx ON media (rating, created_at, id);
CREATE INDEX media_status_rating_created_idx ON media (status, rating, created_at, id);
CREATE INDEX media_origin_idx ON media (origin);
CREATE INDEX media_media_type_idx ON media (media_type);
CREATE INDEX media_generation_idx ON media (generation_id);

CREATE TABLE generation_inputs (
    id             TEXT PRIMARY KEY NOT NULL,
    generation_id  TEXT NOT NULL REFERENCES generations(id) ON DELETE CASCADE,
    media_id       TEXT REFERENCES media(id) ON DELETE SET NULL,
    position       INTEGER NOT NULL,
    thumb_path     TEXT NOT NULL,
    created_at     TEXT NOT NULL,
    UNIQUE (generation_id, position)
);

CREATE INDEX generation_inputs_media_idx ON generation_inputs (media_id);

CREATE TABLE queue (
    id             TEXT PRIMARY KEY NOT NULL,
    generation_id  TEXT NOT NULL UNIQUE REFERENCES generations(id) ON DELETE CASCADE,
    status         TEXT NOT NULL CHECK (status IN ('pending', 'processing', 'completed', 'failed', 'cancelled')),
    priority       INTEGER NOT NULL DEFAULT 0,
    error_message  TEXT,
    created_at     TEXT NOT NULL,
    started_at     TEXT,
    completed_at   TEXT
);

-- The queue picks the next job by status, then priority (higher first), then age.
CREATE INDEX queue_next_idx ON queue (status, priority DESC, created_at);

CREATE TABLE app_settings (
    key    TEXT PRIMARY KEY NOT NULL,
    value  TEXT
);
