-- Licences of proxied and mirrored versions (issue 20, docs/security.md "Licences"), Sqlite. Keep in step with
-- Postgres/0029_foreign_version_licenses.sql. Private versions keep theirs in version_licenses (0017); these come
-- from the `license` of the .crate's Cargo.toml, read once per file (when the licence report first meets it: Core's
-- ForeignLicenses) since a version's .crate never changes. source: `proxy:<upstream>` or `mirror`, as in
-- advisory_affected_versions; crate_name as the source names its files (lower case). checksum: the SHA-256 of the
-- file read, so a mirror import that brings a different file for the same version is read again.
CREATE TABLE foreign_version_licenses (
    source     TEXT NOT NULL,
    crate_name TEXT NOT NULL,
    version    TEXT NOT NULL,
    checksum   TEXT NOT NULL,
    declared   TEXT NULL,
    PRIMARY KEY (source, crate_name, version)
);
