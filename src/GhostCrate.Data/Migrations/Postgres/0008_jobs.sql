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
