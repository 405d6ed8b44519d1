-- Rustdoc per version (issue 22; docs/rustdoc.md), PostgreSQL. Keep in step with Sqlite/0014_docs.sql.
-- The files live in the blob store under docs/{crate}/{version}/{generation}/: an upload or build writes a new
-- generation, and switching `generation` in one row is what makes it visible (staged, then swapped atomically).
-- Older generations are deleted by the docs.delete_generation job. The build_* columns are the builder's status.
CREATE TABLE version_docs (
    version_id       bigint  PRIMARY KEY REFERENCES versions (id) ON DELETE CASCADE,
    generation       text    NULL,
    files            integer NOT NULL DEFAULT 0,
    bytes            bigint  NOT NULL DEFAULT 0,
    source           text    NULL CHECK (source IN ('upload', 'build')),
    updated_at       bigint  NULL,
    updated_by       bigint  NULL REFERENCES users (id) ON DELETE SET NULL,
    build_status     text    NULL CHECK (build_status IN ('queued', 'building', 'built', 'failed')),
    build_log        text    NULL,
    build_toolchain  text    NULL,
    build_updated_at bigint  NULL
);
