-- Whether a backup run wrote an encrypted backup (issue 19; docs/backup-and-restore.md "Encryption"), so /admin/backups
-- shows it per run: the setting can change between runs, and CLI runs bring their own key. SQLite. Keep in step with
-- Postgres/0024_backup_run_encryption.sql. Rows from before this migration say 0 (not known to be encrypted).
ALTER TABLE backup_runs ADD COLUMN encrypted INTEGER NOT NULL DEFAULT 0 CHECK (encrypted IN (0, 1));
