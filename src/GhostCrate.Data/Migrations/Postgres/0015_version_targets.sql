-- What the crate page says about a version's build (issue 23), Postgres. Keep in step with Sqlite/0015_version_targets.sql.
-- Both come from the .crate's Cargo.toml and file list at publish; NULL means "published before this was recorded".
-- targets: JSON {"lib":true,"bins":["name"]}, which decides between `cargo add` and `cargo install`.
ALTER TABLE versions ADD COLUMN edition text NULL;
ALTER TABLE versions ADD COLUMN targets text NULL;
-- Why an owner yanked the version (crates.io's yank_message), shown on its page; NULL when not yanked or not given.
ALTER TABLE versions ADD COLUMN yank_message text NULL;
