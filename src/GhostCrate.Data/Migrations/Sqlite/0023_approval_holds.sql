-- Approval holds (issue 20, docs/security.md "Approval hold"), Sqlite. Keep in step with Postgres/0023_approval_holds.sql.
-- A held version is stored like any other but left out of everything readers see (index file, downloads, search,
-- feeds, pages) until an administrator approves it; held_reason says why it was held, for the reviewer.
ALTER TABLE versions ADD COLUMN held INTEGER NOT NULL DEFAULT 0 CHECK (held IN (0, 1));
ALTER TABLE versions ADD COLUMN held_reason TEXT NULL;
-- The review queue: few rows, read by the admin page; a partial index keeps it off the common path.
CREATE INDEX ix_versions_held ON versions (id) WHERE held = 1;
