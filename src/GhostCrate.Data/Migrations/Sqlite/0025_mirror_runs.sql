-- Mirror operations started from the server (issue 26; docs/mirror-in-10-minutes.md "From the browser"), Sqlite. Keep
-- in step with Postgres/0025_mirror_runs.sql. One row per run: the job on the queue does the work on one node, this
-- row holds what every node's /admin/mirror shows (progress counters rewritten as a heartbeat while it runs, then
-- the result and the start of its log). cancel_requested is how an administrator on any node stops a run.
CREATE TABLE mirror_runs (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    operation        TEXT    NOT NULL,
    directory        TEXT    NOT NULL,
    parameters       TEXT    NULL,
    state            TEXT    NOT NULL CHECK (state IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
    requested_by     TEXT    NULL,
    job_id           INTEGER    NULL,
    node             TEXT    NULL,
    attempts         integer NOT NULL DEFAULT 0,
    created_at       INTEGER    NOT NULL,
    started_at       INTEGER    NULL,
    updated_at       INTEGER    NOT NULL,
    finished_at      INTEGER    NULL,
    phase            TEXT    NULL,
    files_done       INTEGER    NOT NULL DEFAULT 0,
    files_total      INTEGER    NOT NULL DEFAULT 0,
    bytes            INTEGER    NOT NULL DEFAULT 0,
    retries          INTEGER    NOT NULL DEFAULT 0,
    failures         INTEGER    NOT NULL DEFAULT 0,
    summary          TEXT    NULL,
    log              TEXT    NULL,
    error            TEXT    NULL,
    artifact         TEXT    NULL,
    cancel_requested integer NOT NULL DEFAULT 0 CHECK (cancel_requested IN (0, 1))
);
CREATE INDEX ix_mirror_runs_created_at ON mirror_runs (created_at);
