-- Notifications, second part (issue 21, docs/notifications.md), Sqlite. Keep in step with Postgres/0020_notifications.sql.

-- Per-organization webhook endpoints: NULL is a registry-wide endpoint (administrators'); otherwise the endpoint
-- belongs to that organization, is managed by its owners and admins, and receives only events about crates the
-- organization (or one of its teams) owns and about the organization itself. Deleting the organization deletes them.
ALTER TABLE webhook_endpoints ADD COLUMN org_id BIGINT NULL REFERENCES organizations (id) ON DELETE CASCADE;
CREATE INDEX ix_webhook_endpoints_org_id ON webhook_endpoints (org_id);

-- Which proxy upstreams are down, shared by every node (Core/Proxy/IUpstreamCircuitLog): each node's circuit breaker
-- reports its own transitions, and only a report that flips this row writes proxy.upstream_down / proxy.upstream_up
-- (in the same transaction), so an outage seen by several nodes is announced once, and its end once.
CREATE TABLE upstream_circuits (
    upstream   TEXT    NOT NULL PRIMARY KEY,
    down       INTEGER NOT NULL CHECK (down IN (0, 1)),
    changed_at BIGINT  NOT NULL
);
