-- Which earlier backup a run was made incremental on, how many blobs its backup lists and how many of those it
-- referenced in earlier backups instead of copying (issue 19), so /admin/backups shows per run what it reused: the
-- setting and `--full` change between runs. SQLite. Keep in step with Postgres/0027_backup_run_increments.sql. Rows
-- from before this migration say "full" and 0 blobs (not known).
ALTER TABLE backup_runs ADD COLUMN base_backup_id TEXT NULL;
ALTER TABLE backup_runs ADD COLUMN blobs INTEGER NOT NULL DEFAULT 0 CHECK (blobs >= 0);
ALTER TABLE backup_runs ADD COLUMN reused_blobs INTEGER NOT NULL DEFAULT 0 CHECK (reused_blobs >= 0);
