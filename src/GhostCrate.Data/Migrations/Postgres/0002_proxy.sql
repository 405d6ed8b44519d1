-- Pull-through proxy cache (PostgreSQL). Keep in step with Sqlite/0002_proxy.sql.
-- Index files of an upstream are cached here with their bytes (a few KB each, a few MB at most); .crate files live in
-- the blob store under proxy/{upstream}/ and are only listed here, for the status page's numbers.

CREATE TABLE proxy_index_files (
    upstream               text    NOT NULL,
    crate_name             text    NOT NULL,
    content                bytea   NOT NULL,
    size                   bigint  NOT NULL,
    etag                   text    NOT NULL,
    last_modified          bigint  NOT NULL,
    fetched_at             bigint  NOT NULL,
    upstream_etag          text    NULL,
    upstream_last_modified text    NULL,
    PRIMARY KEY (upstream, crate_name)
);

CREATE TABLE proxy_crate_files (
    upstream   text    NOT NULL,
    crate_name text    NOT NULL,
    version    text    NOT NULL,
    size       bigint  NOT NULL,
    checksum   text    NOT NULL,
    stored_at  bigint  NOT NULL,
    PRIMARY KEY (upstream, crate_name, version)
);

-- Counters are summed over every server process (each adds its in-memory deltas periodically).
CREATE TABLE proxy_upstreams (
    upstream            text    NOT NULL PRIMARY KEY,
    index_hits          bigint  NOT NULL DEFAULT 0,
    index_misses        bigint  NOT NULL DEFAULT 0,
    revalidations       bigint  NOT NULL DEFAULT 0,
    not_modified        bigint  NOT NULL DEFAULT 0,
    stale_served        bigint  NOT NULL DEFAULT 0,
    crate_hits          bigint  NOT NULL DEFAULT 0,
    crate_misses        bigint  NOT NULL DEFAULT 0,
    checksum_mismatches bigint  NOT NULL DEFAULT 0,
    errors              bigint  NOT NULL DEFAULT 0,
    last_success_at     bigint  NULL,
    last_error_at       bigint  NULL,
    last_error          text    NULL
);
