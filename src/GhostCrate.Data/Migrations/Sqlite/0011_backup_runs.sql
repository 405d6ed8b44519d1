-- Every `backup create` run and its outcome (issue 19; docs/backup-and-restore.md), SQLite. Keep in step with
-- Postgres/0011_backup_runs.sql. Backups run outside the server (the CLI today, a scheduled job later); the row is how
-- every node's /metrics learns when the last backup succeeded or failed
-- (ghostcrate_backup_last_success_timestamp_seconds and the GhostCrateNoRecentBackup alert).
CREATE TABLE backup_runs (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    started_at  INTEGER NOT NULL,
    finished_at INTEGER NOT NULL,
    target      TEXT    NOT NULL,
    backup_id   TEXT    NULL,
    succeeded   INTEGER NOT NULL CHECK (succeeded IN (0, 1)),
    bytes       INTEGER NOT NULL DEFAULT 0,
    error       TEXT    NULL
);
CREATE INDEX ix_backup_runs_succeeded_finished_at ON backup_runs (succeeded, finished_at);
