-- Crate owner invitations and search ranking by recent downloads (issue 23). SQLite. Keep in step with
-- Postgres/0031_owner_invitations_recent_downloads.sql.

-- A user named as an owner by another owner is invited, as on crates.io: they become an owner only when they accept
-- (docs/permissions.md "Owner invitations"). One open invitation per crate and user; an expired one is replaced by the
-- next invitation and refused when answered.
CREATE TABLE crate_owner_invitations (
    crate_id   BIGINT NOT NULL REFERENCES crates (id) ON DELETE CASCADE,
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    invited_by BIGINT NULL REFERENCES users (id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    PRIMARY KEY (crate_id, user_id)
);
-- "Invitations waiting for me" (the header badge on every signed-in page).
CREATE INDEX ix_crate_owner_invitations_user_id ON crate_owner_invitations (user_id);

-- Downloads of the last 90 days (crates.io's "recent downloads"), kept on the crate row so that search can rank by
-- them through an index. The download flush adds the counts of days inside the window; the hourly job
-- `downloads.recent_window` moves the window's first day and subtracts the days that left it (Data/Downloads).
ALTER TABLE crates ADD COLUMN recent_downloads BIGINT NOT NULL DEFAULT 0;
-- The window's first day (days since 1970-01-01 UTC, like version_downloads.day): one row, present once there are
-- downloads. No row means day 0 (every day counts), which keeps a new, empty database free of rows so that a backup
-- can be restored into it (Data/Backup checks the target is empty); the job inserts the row at its first move.
CREATE TABLE recent_downloads_window (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    since_day INTEGER NOT NULL
);
INSERT INTO recent_downloads_window (id, since_day)
SELECT 1, CAST(strftime('%s', 'now') AS INTEGER) / 86400 - 89 WHERE EXISTS (SELECT 1 FROM version_downloads);
UPDATE crates SET recent_downloads = coalesce((
    SELECT sum(d.downloads) FROM version_downloads d JOIN versions v ON v.id = d.version_id
    WHERE v.crate_id = crates.id AND d.day >= (SELECT since_day FROM recent_downloads_window)), 0);
-- Search ranks each relevance group by recent downloads, then all-time downloads, then name (Data/Search).
CREATE INDEX ix_crates_recent_name ON crates (recent_downloads DESC, downloads DESC, name);
