-- Deletion with tombstones (issue 20 item 8; docs/security.md "Deleting crates and versions"), PostgreSQL. Keep in step
-- with Sqlite/0022_deletion_tombstones.sql. Written by the deletion transaction (Data/Deletion), read by publish.

-- A deleted version: its name+version (num_key: build metadata ignored, as for the versions table) can never be
-- published again, so a lock file's checksum can never come to mean other content (crates.io refuses re-use too).
CREATE TABLE version_tombstones (
    canonical_name text    NOT NULL,
    num            text    NOT NULL,
    num_key        text    NOT NULL,
    checksum       text    NOT NULL,
    deleted_by     text    NULL,
    deleted_at     bigint  NOT NULL,
    reason         text    NULL,
    PRIMARY KEY (canonical_name, num_key)
);

-- A deleted crate: its name stays reserved for the users who owned it then (owner_ids, a JSON array) and for
-- administrators, so nobody else can take over a name that lock files and manifests still point at.
CREATE TABLE crate_tombstones (
    canonical_name text    NOT NULL PRIMARY KEY,
    name           text    NOT NULL,
    owner_ids      text    NOT NULL,
    deleted_by     text    NULL,
    deleted_at     bigint  NOT NULL,
    reason         text    NULL
);

-- A crate's index file that was removed (its last version deleted), stamped with the change counter like
-- index_files, so other nodes following `seq > @last` drop their cached copy too.
CREATE TABLE index_file_removals (
    canonical_name text    NOT NULL PRIMARY KEY,
    seq            bigint  NOT NULL
);
CREATE UNIQUE INDEX ix_index_file_removals_seq ON index_file_removals (seq);
