-- Security advisories (RustSec) and the versions they affect (Sqlite). Keep in step with Postgres/0010_advisories.sql.
-- The advisory's file text is stored as imported, so the one parser in Core/Advisories is its only reader; the other
-- columns are copies for filtering and listing. published_on/withdrawn_on are ISO dates (YYYY-MM-DD), which sort as text.

CREATE TABLE advisories (
    id                TEXT    NOT NULL PRIMARY KEY,
    package           TEXT    NOT NULL,
    package_canonical TEXT    NOT NULL,
    published_on      TEXT    NOT NULL,
    withdrawn_on      TEXT    NULL,
    informational     TEXT    NULL,
    severity          INTEGER NOT NULL,
    title             TEXT    NOT NULL,
    content           TEXT    NOT NULL,
    content_sha256    TEXT    NOT NULL,
    synced_at         BIGINT  NOT NULL
);
CREATE INDEX ix_advisories_package_canonical ON advisories (package_canonical);

-- Derived data: recomputed from advisories and the versions the registry holds (private, proxy:<upstream>, mirror).
CREATE TABLE advisory_affected_versions (
    advisory_id TEXT NOT NULL REFERENCES advisories (id) ON DELETE CASCADE,
    source      TEXT NOT NULL,
    crate_name  TEXT NOT NULL,
    version     TEXT NOT NULL,
    PRIMARY KEY (crate_name, version, source, advisory_id)
);
CREATE INDEX ix_advisory_affected_versions_advisory_id ON advisory_affected_versions (advisory_id);
