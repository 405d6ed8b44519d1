-- Pull-through proxy cache (SQLite). Keep in step with Postgres/0002_proxy.sql.
-- Index files of an upstream are cached here with their bytes (a few KB each, a few MB at most); .crate files live in
-- the blob store under proxy/{upstream}/ and are only listed here, for the status page's numbers.

CREATE TABLE proxy_index_files (
    upstream               TEXT    NOT NULL,
    crate_name             TEXT    NOT NULL,
    content                BLOB    NOT NULL,
    size                   BIGINT  NOT NULL,
    etag                   TEXT    NOT NULL,
    last_modified          BIGINT  NOT NULL,
    fetched_at             BIGINT  NOT NULL,
    upstream_etag          TEXT    NULL,
    upstream_last_modified TEXT    NULL,
    PRIMARY KEY (upstream, crate_name)
);

CREATE TABLE proxy_crate_files (
    upstream   TEXT    NOT NULL,
    crate_name TEXT    NOT NULL,
    version    TEXT    NOT NULL,
    size       BIGINT  NOT NULL,
    checksum   TEXT    NOT NULL,
    stored_at  BIGINT  NOT NULL,
    PRIMARY KEY (upstream, crate_name, version)
);

-- Counters are summed over every server process (each adds its in-memory deltas periodically).
CREATE TABLE proxy_upstreams (
    upstream            TEXT    NOT NULL PRIMARY KEY,
    index_hits          BIGINT  NOT NULL DEFAULT 0,
    index_misses        BIGINT  NOT NULL DEFAULT 0,
    revalidations       BIGINT  NOT NULL DEFAULT 0,
    not_modified        BIGINT  NOT NULL DEFAULT 0,
    stale_served        BIGINT  NOT NULL DEFAULT 0,
    crate_hits          BIGINT  NOT NULL DEFAULT 0,
    crate_misses        BIGINT  NOT NULL DEFAULT 0,
    checksum_mismatches BIGINT  NOT NULL DEFAULT 0,
    errors              BIGINT  NOT NULL DEFAULT 0,
    last_success_at     BIGINT  NULL,
    last_error_at       BIGINT  NULL,
    last_error          TEXT    NULL
);
