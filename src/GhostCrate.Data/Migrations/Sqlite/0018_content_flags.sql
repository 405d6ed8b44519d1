-- Content flags (issue 20, docs/security.md), Sqlite. Keep in step with Postgres/0018_content_flags.sql.
-- Derived from the .crate when it is published (private) or cached by the proxy (proxy:<upstream>); the same
-- `source` spelling as advisory_affected_versions. crate_name is the canonical name (lower case, '-' for '_').
CREATE TABLE content_flags (
    source     TEXT    NOT NULL,
    crate_name TEXT    NOT NULL,
    version    TEXT    NOT NULL,
    ordinal    INTEGER NOT NULL,
    kind       TEXT    NOT NULL,
    path       TEXT    NOT NULL,
    detail     TEXT    NOT NULL,
    PRIMARY KEY (source, crate_name, version, ordinal)
);
