-- The job queue (Core/Jobs, docs/notifications.md), PostgreSQL. Keep in step with Sqlite/0008_jobs.sql.
-- One table for everything that runs later: outbox events written in the transaction of the change that caused them,
-- webhook deliveries, recurring work. A job is 'pending' (waiting for run_at), 'running' (leased to one worker until
-- leased_until; an expired lease means the worker died and the job is taken again), 'succeeded' or 'dead' (gave up
-- after max_attempts). Times are Unix milliseconds, as everywhere else.
CREATE TABLE jobs (
    id           bigint  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind         text    NOT NULL,
    payload      text    NOT NULL,
    dedup_key    text,
    state        text    NOT NULL CHECK (state IN ('pending', 'running', 'succeeded', 'dead')),
    attempts     integer NOT NULL DEFAULT 0,
    max_attempts integer NOT NULL,
    run_at       bigint  NOT NULL,
    lease_token  text,
    leased_until bigint,
    last_error   text,
    created_at   bigint  NOT NULL,
    finished_at  bigint
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
    name        text   NOT NULL PRIMARY KEY,
    next_run_at bigint NOT NULL,
    last_run_at bigint
);

-- Webhook endpoints (registry-wide, managed by administrators; docs/notifications.md). events and crate_patterns
-- are JSON arrays of strings (empty: every event, every crate). secrets is a JSON array of "whsec_..." secrets,
-- newest first: every one signs each delivery, so a receiver can switch secrets without missing a message. They are
-- kept as they are because signing needs them; the API shows them only when they are created.
CREATE TABLE webhook_endpoints (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    url             text NOT NULL,
    description     text NOT NULL,
    events          text NOT NULL,
    crate_patterns  text NOT NULL,
    secrets         text NOT NULL,
    enabled         integer NOT NULL,
    disabled_reason text,
    created_at      bigint NOT NULL,
    updated_at      bigint NOT NULL
);

-- One row per delivery attempt: what was sent (payload, so a delivery can be sent again) and what came back.
CREATE TABLE webhook_deliveries (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    endpoint_id      bigint NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
    event_id         text NOT NULL,
    event_type       text NOT NULL,
    payload          text NOT NULL,
    attempt          integer NOT NULL,
    success          integer NOT NULL,
    status_code      integer,
    duration_ms      bigint NOT NULL,
    response_excerpt text,
    error            text,
    created_at       bigint NOT NULL
);
CREATE INDEX ix_webhook_deliveries_endpoint ON webhook_deliveries (endpoint_id, id);
