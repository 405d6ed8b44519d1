-- GhostCrate initial schema (SQLite). Keep in step with Postgres/0001_initial.sql: same tables, columns and indexes.
-- Timestamps are Unix milliseconds (bigint) and booleans are 0/1 integers on both providers so the queries are shared.
-- Canonical names are computed in C# and stored in their own unique column (no database functions).
-- AUTOINCREMENT keeps ids from being reused, because version ids define publish order.

CREATE TABLE users (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    username           TEXT    NOT NULL,
    username_canonical TEXT    NOT NULL,
    password_hash      TEXT    NULL,
    is_admin           INTEGER NOT NULL DEFAULT 0 CHECK (is_admin IN (0, 1)),
    is_disabled        INTEGER NOT NULL DEFAULT 0 CHECK (is_disabled IN (0, 1)),
    created_at         BIGINT  NOT NULL
);
CREATE UNIQUE INDEX ux_users_username_canonical ON users (username_canonical);

CREATE TABLE api_tokens (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    user_id         INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name            TEXT    NOT NULL,
    token_hash      TEXT    NOT NULL,
    created_at      BIGINT  NOT NULL,
    last_used_at    BIGINT  NULL,
    expires_at      BIGINT  NULL,
    revoked_at      BIGINT  NULL,
    endpoint_scopes TEXT    NULL,
    crate_scopes    TEXT    NULL
);
CREATE UNIQUE INDEX ux_api_tokens_token_hash ON api_tokens (token_hash);
CREATE INDEX ix_api_tokens_user_id ON api_tokens (user_id);

CREATE TABLE crates (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    name           TEXT    NOT NULL,
    canonical_name TEXT    NOT NULL,
    description    TEXT    NULL,
    max_version    TEXT    NULL,
    downloads      BIGINT  NOT NULL DEFAULT 0,
    search_text    TEXT    NOT NULL DEFAULT '',
    created_at     BIGINT  NOT NULL,
    updated_at     BIGINT  NOT NULL
);
CREATE UNIQUE INDEX ux_crates_canonical_name ON crates (canonical_name);
-- search_text is matched with LIKE '%q%', which no B-tree can serve; the table scan is fine at registry scale and
-- the downloads/updated_at indexes serve the listing pages ("most downloaded", "recently updated").
CREATE INDEX ix_crates_downloads ON crates (downloads);
CREATE INDEX ix_crates_updated_at ON crates (updated_at);

CREATE TABLE versions (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    crate_id      INTEGER NOT NULL REFERENCES crates (id) ON DELETE CASCADE,
    num           TEXT    NOT NULL,
    num_key       TEXT    NOT NULL,
    checksum      TEXT    NOT NULL,
    size          BIGINT  NOT NULL,
    yanked        INTEGER NOT NULL DEFAULT 0 CHECK (yanked IN (0, 1)),
    downloads     BIGINT  NOT NULL DEFAULT 0,
    published_by  INTEGER NULL REFERENCES users (id) ON DELETE SET NULL,
    created_at    BIGINT  NOT NULL,
    index_json    TEXT    NOT NULL,
    metadata_json TEXT    NOT NULL,
    license       TEXT    NULL,
    readme        TEXT    NULL
);
-- 1.0.0+a and 1.0.0+b are the same release: uniqueness is on the version without build metadata.
CREATE UNIQUE INDEX ux_versions_crate_id_num_key ON versions (crate_id, num_key);
CREATE INDEX ix_versions_published_by ON versions (published_by);

CREATE TABLE version_dependencies (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    version_id INTEGER NOT NULL REFERENCES versions (id) ON DELETE CASCADE,
    crate_name TEXT    NOT NULL,
    req        TEXT    NOT NULL,
    kind       TEXT    NOT NULL,
    optional   INTEGER NOT NULL DEFAULT 0 CHECK (optional IN (0, 1)),
    registry   TEXT    NULL,
    target     TEXT    NULL
);
CREATE INDEX ix_version_dependencies_version_id ON version_dependencies (version_id);
-- Reverse dependencies ("who depends on X") look rows up by the dependency's name.
CREATE INDEX ix_version_dependencies_crate_name ON version_dependencies (crate_name);

CREATE TABLE crate_owners (
    crate_id   INTEGER NOT NULL REFERENCES crates (id) ON DELETE CASCADE,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at BIGINT  NOT NULL,
    PRIMARY KEY (crate_id, user_id)
);
-- "Crates owned by user X" (the primary key only serves lookups by crate).
CREATE INDEX ix_crate_owners_user_id ON crate_owners (user_id);
