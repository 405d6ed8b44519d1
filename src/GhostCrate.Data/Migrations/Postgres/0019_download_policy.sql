-- Download policy (issue 20 item 3, docs/security.md#policy), PostgreSQL. Keep in step with Sqlite/0019_download_policy.sql.

-- An organization's blocking threshold for downloads of the crates it owns (directly or through a team). The
-- severity is AdvisorySeverity's number (1 none .. 5 critical): versions with an advisory at least this severe are
-- refused. No row: only the registry's setting (Policy:BlockSeverity) applies.
CREATE TABLE org_download_policies (
    org_id         bigint  NOT NULL PRIMARY KEY REFERENCES organizations (id) ON DELETE CASCADE,
    block_severity integer NOT NULL CHECK (block_severity BETWEEN 1 AND 5),
    updated_at     bigint  NOT NULL,
    updated_by     text    NULL
);

-- Advisories an administrator accepted: they never block a download until expires_at (Unix ms, exclusive).
CREATE TABLE advisory_allowlist (
    advisory_id text   NOT NULL PRIMARY KEY,
    reason      text   NOT NULL,
    expires_at  bigint NOT NULL,
    created_at  bigint NOT NULL,
    created_by  text   NULL
);

-- Proxied crates let through the quarantine of fresh versions (Proxy:QuarantineHours) until expires_at.
CREATE TABLE quarantine_exemptions (
    crate_name text   NOT NULL PRIMARY KEY,
    reason     text   NOT NULL,
    expires_at bigint NOT NULL,
    created_at bigint NOT NULL,
    created_by text   NULL
);

-- When this registry first saw a proxied version whose upstream index entry has no `pubtime` (the quarantine's clock).
CREATE TABLE proxy_versions_first_seen (
    upstream      text   NOT NULL,
    crate_name    text   NOT NULL,
    version       text   NOT NULL,
    first_seen_at bigint NOT NULL,
    PRIMARY KEY (upstream, crate_name, version)
);

-- The policy epoch: moved by triggers whenever anything a download verdict rests on changes (the policies above,
-- the stored advisories, which organization owns a crate). Each node keeps its policy snapshot
-- (Core/Policy/DownloadPolicy.cs) only while the epoch it read is current; the NOTIFY (delivered at commit) tells
-- every node to read it again. Triggers, so no write path can forget.
CREATE TABLE policy_epoch (
    id    integer NOT NULL PRIMARY KEY CHECK (id = 1),
    value bigint  NOT NULL
);
INSERT INTO policy_epoch (id, value) VALUES (1, 0);

CREATE FUNCTION ghostcrate_policy_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE policy_epoch SET value = value + 1 WHERE id = 1;
    PERFORM pg_notify('ghostcrate_changes', 'policy');
    RETURN NULL;
END
$$;
CREATE TRIGGER tr_policy_org AFTER INSERT OR UPDATE OR DELETE ON org_download_policies FOR EACH STATEMENT EXECUTE FUNCTION ghostcrate_policy_changed();
CREATE TRIGGER tr_policy_allow AFTER INSERT OR UPDATE OR DELETE ON advisory_allowlist FOR EACH STATEMENT EXECUTE FUNCTION ghostcrate_policy_changed();
CREATE TRIGGER tr_policy_exempt AFTER INSERT OR UPDATE OR DELETE ON quarantine_exemptions FOR EACH STATEMENT EXECUTE FUNCTION ghostcrate_policy_changed();
CREATE TRIGGER tr_policy_advisories AFTER INSERT OR UPDATE OR DELETE ON advisories FOR EACH STATEMENT EXECUTE FUNCTION ghostcrate_policy_changed();
CREATE TRIGGER tr_policy_crate_org_owners AFTER INSERT OR DELETE ON crate_org_owners FOR EACH STATEMENT EXECUTE FUNCTION ghostcrate_policy_changed();
CREATE TRIGGER tr_policy_crate_team_owners AFTER INSERT OR DELETE ON crate_team_owners FOR EACH STATEMENT EXECUTE FUNCTION ghostcrate_policy_changed();
