-- Content flags (issue 20, docs/security.md), Postgres. Keep in step with Sqlite/0018_content_flags.sql.
-- Derived from the .crate when it is published (private) or cached by the proxy (proxy:<upstream>); the same
-- `source` spelling as advisory_affected_versions. crate_name is the canonical name (lower case, '-' for '_').
CREATE TABLE content_flags (
    source     text    NOT NULL,
    crate_name text    NOT NULL,
    version    text    NOT NULL,
    ordinal    integer NOT NULL,
    kind       text    NOT NULL,
    path       text    NOT NULL,
    detail     text    NOT NULL,
    PRIMARY KEY (source, crate_name, version, ordinal)
);
