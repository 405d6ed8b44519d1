-- Usage analytics for administrators (/admin/analytics, /api/v1/admin/analytics; docs/analytics.md), SQLite.
-- Keep in step with Postgres/0007_usage_analytics.sql. Both tables are written in batches by the download-count flusher
-- (Core/Analytics/UsageCounter), never on the request itself, and both writes are safe for any number of nodes on one
-- database: counts are added (ON CONFLICT ... n = n + excluded.n), sightings are inserted once (ON CONFLICT DO NOTHING).
-- Private downloads are not here: version_downloads (0004) already holds them per day.

-- Events per UTC day: kind is what happened (proxy_hit, proxy_miss, mirror_download), source where (an upstream's
-- name, or the mirror). Days count from 1970-01-01, as in version_downloads.
CREATE TABLE usage_daily (
    day    INTEGER NOT NULL,
    kind   TEXT    NOT NULL,
    source TEXT    NOT NULL,
    n      BIGINT  NOT NULL DEFAULT 0,
    PRIMARY KEY (day, kind, source)
) WITHOUT ROWID;

-- Who was active on a UTC day: one row per (day, user) and per (day, API token), so "distinct users on a day" and
-- "distinct users over 30 days" are exact counts however many nodes saw them. actor_id is a users or api_tokens id;
-- no foreign key, so deleting a user or token keeps the history of how many were active.
CREATE TABLE usage_daily_actors (
    day      INTEGER NOT NULL,
    kind     TEXT    NOT NULL CHECK (kind IN ('user', 'token')),
    actor_id BIGINT  NOT NULL,
    PRIMARY KEY (day, kind, actor_id)
) WITHOUT ROWID;

-- Publishes and stored bytes per day are read from versions.created_at; this serves the range scans.
CREATE INDEX ix_versions_created_at ON versions (created_at);
CREATE INDEX ix_proxy_crate_files_stored_at ON proxy_crate_files (stored_at);
