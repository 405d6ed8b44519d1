-- Downloads per version per UTC day, for the crate page's chart and /api/v1/crates/{name}/downloads. Written in
-- batches by the download-stats flusher (one upsert per version and day), never on the download request itself.
-- Keep in step with Postgres/0004_download_stats.sql.
CREATE TABLE version_downloads (
    version_id INTEGER NOT NULL REFERENCES versions (id) ON DELETE CASCADE,
    -- Days since 1970-01-01 (UTC): one portable integer, like the millisecond timestamps elsewhere.
    day        INTEGER NOT NULL,
    downloads  BIGINT  NOT NULL DEFAULT 0,
    PRIMARY KEY (version_id, day)
);
-- "The last 90 days of downloads" across every version of a crate reads by day.
CREATE INDEX ix_version_downloads_day ON version_downloads (day);
