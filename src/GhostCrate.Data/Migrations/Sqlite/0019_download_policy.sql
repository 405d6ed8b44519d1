-- Download policy (issue 20 item 3, docs/security.md#policy), Sqlite. Keep in step with Postgres/0019_download_policy.sql.

-- An organization's blocking threshold for downloads of the crates it owns (directly or through a team). The
-- severity is AdvisorySeverity's number (1 none .. 5 critical): versions with an advisory at least this severe are
-- refused. No row: only the registry's setting (Policy:BlockSeverity) applies.
CREATE TABLE org_download_policies (
    org_id         BIGINT  NOT NULL PRIMARY KEY REFERENCES organizations (id) ON DELETE CASCADE,
    block_severity INTEGER NOT NULL CHECK (block_severity BETWEEN 1 AND 5),
    updated_at     BIGINT  NOT NULL,
    updated_by     TEXT    NULL
);

-- Advisories an administrator accepted: they never block a download until expires_at (Unix ms, exclusive).
CREATE TABLE advisory_allowlist (
    advisory_id TEXT   NOT NULL PRIMARY KEY,
    reason      TEXT   NOT NULL,
    expires_at  BIGINT NOT NULL,
    created_at  BIGINT NOT NULL,
    created_by  TEXT   NULL
);

-- Proxied crates let through the quarantine of fresh versions (Proxy:QuarantineHours) until expires_at.
CREATE TABLE quarantine_exemptions (
    crate_name TEXT   NOT NULL PRIMARY KEY,
    reason     TEXT   NOT NULL,
    expires_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    created_by TEXT   NULL
);

-- When this registry first saw a proxied version whose upstream index entry has no `pubtime` (the quarantine's clock).
CREATE TABLE proxy_versions_first_seen (
    upstream      TEXT   NOT NULL,
    crate_name    TEXT   NOT NULL,
    version       TEXT   NOT NULL,
    first_seen_at BIGINT NOT NULL,
    PRIMARY KEY (upstream, crate_name, version)
);

-- The policy epoch: moved by triggers whenever anything a download verdict rests on changes (the policies above,
-- the stored advisories, which organization owns a crate). Each node keeps its policy snapshot
-- (Core/Policy/DownloadPolicy.cs) only while the epoch it read is current. Triggers, so no write path can forget.
CREATE TABLE policy_epoch (
    id    INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    value INTEGER NOT NULL
);
INSERT INTO policy_epoch (id, value) VALUES (1, 0);
CREATE TRIGGER tr_policy_org_insert AFTER INSERT ON org_download_policies BEGIN UPDATE policy_epoch SET value = value + 1 WHERE id = 1; END;
CREATE TRIGGER tr_policy_org_update AFTER UPDATE ON org_download_policies BEGIN UPDATE policy_epoch SET value = value + 1 WHERE id = 1; END;
CREATE TRIGGER tr_policy_org_delete AFTER DELETE ON org_download_policies BEGIN UPDATE policy_epoch SET value = value + 1 WHERE id = 1; END;
CREATE TRIGGER tr_policy_allow_insert AFTER INSERT ON advisory_allowlist BEGIN UPDATE policy_epoch SET value = value + 1 WHERE id = 1; END;
CREATE TRIGGER tr_policy_allow_update AFTER UPDATE ON advisory_allowlist BEGIN UPDATE policy_epoch SET value = value + 1 WHERE id = 1; END;
CREATE TRIGGER tr_policy_allow_delete AFTER DELETE ON advisory_allowlist BEGIN UPDATE policy_epoch SET value = value + 1 WHERE id = 1; END;
CREATE TRIGGER tr_policy_exempt_insert AFTER INSERT ON quarantine_exemptions BEGIN UPDATE policy_epoch SET value = value + 1 WHERE id = 1; END;
CREATE TRIGGER tr_policy_exempt_update AFTER UPDATE ON quarantine_exemptions BEGIN UPDATE policy_epoch SET value = value + 1 WHERE id = 1; END;
CREATE TRIGGER tr_policy_exempt_delete AFTER DELETE ON quarantine_exemptions BEGIN UPDATE policy_epoch SET value = value + 1 WHERE id = 1; END;
CREATE TRIGGER tr_policy_advisories_insert AFTER INSERT ON advisories BEGIN UPDATE policy_epoch SET value = value + 1 WHERE id = 1; END;
CREATE TRIGGER tr_policy_advisories_update AFTER UPDATE ON advisories BEGIN UPDATE policy_epoch SET value = value + 1 WHERE id = 1; END;
CREATE TRIGGER tr_policy_advisories_delete AFTER DELETE ON advisories BEGIN UPDATE policy_epoch SET value = value + 1 WHERE id = 1; END;
CREATE TRIGGER tr_policy_crate_org_owners_insert AFTER INSERT ON crate_org_owners BEGIN UPDATE policy_epoch SET value = value + 1 WHERE id = 1; END;
CREATE TRIGGER tr_policy_crate_org_owners_delete AFTER DELETE ON crate_org_owners BEGIN UPDATE policy_epoch SET value = value + 1 WHERE id = 1; END;
CREATE TRIGGER tr_policy_crate_team_owners_insert AFTER INSERT ON crate_team_owners BEGIN UPDATE policy_epoch SET value = value + 1 WHERE id = 1; END;
CREATE TRIGGER tr_policy_crate_team_owners_delete AFTER DELETE ON crate_team_owners BEGIN UPDATE policy_epoch SET value = value + 1 WHERE id = 1; END;
