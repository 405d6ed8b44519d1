-- Deleting a whole crate ends its follows (issue 21, docs/notifications.md "Following"), Postgres. Keep in step with
-- Sqlite/0028_ended_crate_follows.sql. The deletion transaction moves the crate's crate_follows rows here, keyed by
-- the id of the crate.deleted event it writes: that event's email fan-out (and the send, which checks again) still
-- finds these followers, and no later event does, so a crate published again under the name (by a former owner or an
-- administrator) is not followed by anyone who followed the deleted one. The hourly follows.prune job deletes rows
-- after 30 days, when every email of their event has long been sent or given up.
CREATE TABLE ended_crate_follows (
    event_id       TEXT   NOT NULL,
    user_id        BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    canonical_name TEXT   NOT NULL,
    followed_at    BIGINT NOT NULL,
    ended_at       BIGINT NOT NULL,
    PRIMARY KEY (event_id, user_id)
);
CREATE INDEX ix_ended_crate_follows_ended_at ON ended_crate_follows (ended_at);
