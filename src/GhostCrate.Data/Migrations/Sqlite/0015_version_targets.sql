-- What the crate page says about a version's build (issue 23), Sqlite. Keep in step with Postgres/0015_version_targets.sql.
-- Both come from the .crate's Cargo.toml and file list at publish; NULL means "published before this was recorded".
-- targets: JSON {"lib":true,"bins":["name"]}, which decides between `cargo add` and `cargo install`.
ALTER TABLE versions ADD COLUMN edition TEXT NULL;
ALTER TABLE versions ADD COLUMN targets TEXT NULL;
-- Why an owner yanked the version (crates.io's yank_message), shown on its page; NULL when not yanked or not given.
ALTER TABLE versions ADD COLUMN yank_message TEXT NULL;
