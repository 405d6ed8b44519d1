-- advisory.matched once per advisory and version, ever (issue 21, docs/notifications.md), Postgres. Keep in step with
-- Sqlite/0021_advisory_match_notices.sql.
-- Unlike advisory_affected_versions (derived, recomputed and replaced on every sync) these rows are a memory: the
-- transaction that stores a finding inserts its row here and writes the event only when that insert added a row, so
-- a re-sync, a recompute after a publish, or two nodes syncing at once never announce a finding twice. No foreign
-- key: a finding announced once stays announced even if its advisory is later removed and re-imported.
CREATE TABLE advisory_match_notices (
    advisory_id TEXT   NOT NULL,
    source      TEXT   NOT NULL,
    crate_name  TEXT   NOT NULL,
    version     TEXT   NOT NULL,
    created_at  BIGINT NOT NULL,
    PRIMARY KEY (advisory_id, source, crate_name, version)
);

-- Findings stored before this migration were already shown on the crate pages and the admin page; they are marked
-- as announced so that upgrading does not send one event per existing finding at the next sync.
INSERT INTO advisory_match_notices (advisory_id, source, crate_name, version, created_at)
SELECT advisory_id, source, crate_name, version, 0 FROM advisory_affected_versions;
