-- What the crate page says about a version's build (issue 23), Sqlite. Keep in step with Postgres/0019_version_targets.sql.
-- Both come from the .crate's Cargo.toml and file list at publish; NULL means "published before this was recorded".
-- targets: JSON {"lib":true,"bins":["name"]}, which decides between `cargo add` and `cargo install`.
ALTER TABLE versions ADD COLUMN edition TEXT NULL;
ALTER TABLE versions ADD COLUMN targets TEXT NULL;
