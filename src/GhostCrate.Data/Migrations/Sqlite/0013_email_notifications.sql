-- Email notifications (issue 21, docs/notifications.md), Sqlite. Keep in step with Postgres/0013_email_notifications.sql.

-- Which emails a user wants, one row per topic the user has chosen (crate.published, crate.yanked, owners.changed,
-- token.created, token.expiring). No row: the topic's default, which is on: owners hear about their crates and every
-- user about their own tokens unless they turn it off (on the settings page or with an unsubscribe link).
CREATE TABLE email_preferences (
    user_id    BIGINT  NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    topic      TEXT    NOT NULL,
    enabled    INTEGER NOT NULL CHECK (enabled IN (0, 1)),
    updated_at BIGINT  NOT NULL,
    PRIMARY KEY (user_id, topic)
);

-- One row per token and warning window (7 and 1 days before it expires) once its token.expiring event was written.
-- The event is written in the same transaction as the row and only when the insert added it, so each token is
-- warned once per window however many nodes look for expiring tokens at the same time.
CREATE TABLE token_expiry_notices (
    token_id    BIGINT  NOT NULL REFERENCES api_tokens (id) ON DELETE CASCADE,
    window_days INTEGER NOT NULL,
    created_at  BIGINT  NOT NULL,
    PRIMARY KEY (token_id, window_days)
);
-- The expiry sweep looks for live tokens by expiry time.
CREATE INDEX ix_api_tokens_expires_at ON api_tokens (expires_at);

-- What a webhook endpoint receives: 'standard' (the signed Standard Webhooks event JSON), 'slack' (a Slack
-- incoming-webhook message) or 'teams' (a Microsoft Teams Workflows message with an Adaptive Card). Existing
-- endpoints are standard.
ALTER TABLE webhook_endpoints ADD COLUMN kind TEXT NOT NULL DEFAULT 'standard';

-- The hourly webhooks.prune job deletes old delivery log rows by age.
CREATE INDEX ix_webhook_deliveries_created_at ON webhook_deliveries (created_at);
