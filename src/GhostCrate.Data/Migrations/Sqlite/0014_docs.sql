-- Rustdoc per version (issue 22; docs/rustdoc.md), SQLite. Keep in step with Postgres/0014_docs.sql.
-- The files live in the blob store under docs/{crate}/{version}/{generation}/: an upload or build writes a new
-- generation, and switching `generation` in one row is what makes it visible (staged, then swapped atomically).
-- Older generations are deleted by the docs.delete_generation job. The build_* columns are the builder's status.
CREATE TABLE version_docs (
    version_id       INTEGER PRIMARY KEY REFERENCES versions (id) ON DELETE CASCADE,
    generation       TEXT    NULL,
    files            INTEGER NOT NULL DEFAULT 0,
    bytes            BIGINT  NOT NULL DEFAULT 0,
    source           TEXT    NULL CHECK (source IN ('upload', 'build')),
    updated_at       BIGINT  NULL,
    updated_by       INTEGER NULL REFERENCES users (id) ON DELETE SET NULL,
    build_status     TEXT    NULL CHECK (build_status IN ('queued', 'building', 'built', 'failed')),
    build_log        TEXT    NULL,
    build_toolchain  TEXT    NULL,
    build_updated_at BIGINT  NULL
);
