-- Licences (issue 20, item 4; docs/security.md "Licences"), Sqlite. Keep in step with Postgres/0017_licenses.sql.
-- The licence of each published version as Core/Licenses parsed it at publish: the normalised SPDX expression (NULL
-- for a crate that declares only `license-file`, or nothing: `custom` = 1), and its licences, space-separated with a
-- space before and after (` MIT Apache-2.0 `) so a report narrows by one licence with LIKE '% MIT %'.
-- Versions published before this migration have no row: the report parses their `versions.license` when it reads them.
CREATE TABLE version_licenses (
    version_id  INTEGER NOT NULL PRIMARY KEY REFERENCES versions (id) ON DELETE CASCADE,
    expression  TEXT    NULL,
    license_ids TEXT    NOT NULL,
    custom      INTEGER NOT NULL
);

-- An organization's licence policy, applied at publish to the crates it owns (directly or through a team) on top of
-- the registry's (Licenses:* settings). Lists are JSON arrays of SPDX ids, LicenseRef-s and `PREFIX*` patterns.
CREATE TABLE org_license_policies (
    org_id        INTEGER NOT NULL PRIMARY KEY REFERENCES organizations (id) ON DELETE CASCADE,
    mode          TEXT    NOT NULL,
    allow_list    TEXT    NOT NULL,
    deny_list     TEXT    NOT NULL,
    allow_custom  INTEGER NOT NULL,
    updated_at    BIGINT  NOT NULL,
    updated_by    INTEGER NULL REFERENCES users (id) ON DELETE SET NULL
);
