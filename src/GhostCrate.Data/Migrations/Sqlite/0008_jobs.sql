-- The job queue (Core/Jobs, docs/notifications.md), SQLite. Keep in step with Postgres/0008_jobs.sql.
-- One table for everything that runs later: outbox events written in the transaction of the change that caused them,
-- webhook deliveries, recurring work. A job is 'pending' (waiting for run_at), 'running' (leased to one worker until
-- leased_until; an expired lease means the worker died and the job is taken again), 'succeeded' or 'dead' (gave up
-- after max_attempts). Times are Unix milliseconds, as everywhere else.
CREATE TABLE jobs (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    kind         TEXT    NOT NULL,
    payload      TEXT    NOT NULL,
    dedup_key    TEXT,
    state        TEXT    NOT NULL CHECK (state IN ('pending', 'running', 'succeeded', 'dead')),
    attempts     INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL,
    run_at       BIGINT  NOT NULL,
    lease_token  TEXT,
    leased_until BIGINT,
    last_error   TEXT,
    created_at   BIGINT  NOT NULL,
    finished_at  BIGINT
);

-- Dequeue scans due work in order: pending by run_at, running by lease expiry.
CREATE INDEX ix_jobs_due ON jobs (state, run_at, id);
CREATE INDEX ix_jobs_lease ON jobs (state, leased_until);
-- A deduplication key is unique among unfinished jobs: enqueueing a key that is pending or running does nothing,
-- while a finished job's key may be queued again (a redelivery, a retry by an administrator).
CREATE UNIQUE INDEX ux_jobs_dedup_active ON jobs (dedup_key) WHERE state IN ('pending', 'running');

-- Recurring jobs: one row per schedule. A node that finds next_run_at due moves it forward with a compare-and-set
-- (UPDATE ... WHERE next_run_at = the value it read) and enqueues the run in the same transaction, so exactly one
-- node enqueues each run however many nodes share the database.
CREATE TABLE job_schedules (
    name        TEXT   NOT NULL PRIMARY KEY,
    next_run_at BIGINT NOT NULL,
    last_run_at BIGINT
);

-- Webhook endpoints (registry-wide, managed by administrators; docs/notifications.md). events and crate_patterns
-- are JSON arrays of strings (empty: every event, every crate). secrets is a JSON array of "whsec_..." secrets,
-- newest first: every one signs each delivery, so a receiver can switch secrets without missing a message. They are
-- kept as they are because signing needs them; the API shows them only when they are created.
CREATE TABLE webhook_endpoints (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    url             TEXT NOT NULL,
    description     TEXT NOT NULL,
    events          TEXT NOT NULL,
    crate_patterns  TEXT NOT NULL,
    secrets         TEXT NOT NULL,
    enabled         INTEGER NOT NULL,
    disabled_reason TEXT,
    created_at      BIGINT NOT NULL,
    updated_at      BIGINT NOT NULL
);

-- One row per delivery attempt: what was sent (payload, so a delivery can be sent again) and what came back.
CREATE TABLE webhook_deliveries (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    endpoint_id      BIGINT NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    event_id         TEXT NOT NULL,
    event_type       TEXT NOT NULL,
    payload          TEXT NOT NULL,
    attempt          INTEGER NOT NULL,
    success          INTEGER NOT NULL,
    status_code      INTEGER,
    duration_ms      BIGINT NOT NULL,
    response_excerpt TEXT,
    error            TEXT,
    created_at       BIGINT NOT NULL
);
CREATE INDEX ix_webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, id);
