-- Following crates and organizations (issue 21 item 5, docs/notifications.md "Following"), Postgres. Keep in step with
-- Sqlite/0026_follows.sql. Read by Data/Following; the email fan-out mails followers (Core/Following).

-- A crate is followed by its canonical name, not its id: a whole-crate deletion removes the crates row, and its
-- followers must still be found when the crate.deleted event is mailed after that commit. The name stays reserved by
-- its tombstone, so the row cannot come to mean someone else's crate.
CREATE TABLE crate_follows (
    user_id        BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    canonical_name TEXT   NOT NULL,
    created_at     BIGINT NOT NULL,
    PRIMARY KEY (user_id, canonical_name)
);
CREATE INDEX ix_crate_follows_canonical_name ON crate_follows (canonical_name);

-- An organization is followed by id: deleting the organization ends its follows.
CREATE TABLE org_follows (
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    org_id     BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, org_id)
);
CREATE INDEX ix_org_follows_org_id ON org_follows (org_id);
