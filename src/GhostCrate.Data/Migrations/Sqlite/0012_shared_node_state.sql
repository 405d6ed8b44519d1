-- Keys that encrypt session and antiforgery cookies (ASP.NET Core Data Protection key ring elements; issue 24), SQLite.
-- Keep in step with Postgres/0012_shared_node_state.sql. In the database rather than a folder so that every node of a
-- cluster reads the same ring without a shared disk, and a backup carries them (Data/Identity/DataProtectionKeyRepository.cs).
-- The key manager only adds elements (new keys, revocations), named key-{id} or revocation-{date}.
CREATE TABLE data_protection_keys (
    friendly_name TEXT    NOT NULL PRIMARY KEY,
    xml           TEXT    NOT NULL,
    created_at    INTEGER NOT NULL
);

-- The access epoch (issue 24): a number that goes up whenever anything an access decision rests on changes (a token
-- revoked or re-scoped, a user disabled, made admin or read-only, an organization or team membership, a crate's owners
-- or its restricted flag). Each node caches token -> principal and crate read decisions stamped with the epoch it read
-- (Core/Identity/AccessCache.cs) and drops them when the epoch moves. Triggers, not repository code, bump it, so no
-- write path (CLI, API, a later feature) can forget to. A token's last-use stamp does not move it.
CREATE TABLE access_epoch (
    id    INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
    value INTEGER NOT NULL
);
INSERT INTO access_epoch (id, value) VALUES (1, 0);
CREATE TRIGGER tr_access_api_tokens_update AFTER UPDATE OF revoked_at, expires_at, endpoint_scopes, crate_scopes, user_id, token_hash ON api_tokens BEGIN UPDATE access_epoch SET value = value + 1 WHERE id = 1; END;
CREATE TRIGGER tr_access_api_tokens_delete AFTER DELETE ON api_tokens BEGIN UPDATE access_epoch SET value = value + 1 WHERE id = 1; END;
CREATE TRIGGER tr_access_users_update AFTER UPDATE OF is_admin, is_disabled, is_read_only, username ON users BEGIN UPDATE access_epoch SET value = value + 1 WHERE id = 1; END;
CREATE TRIGGER tr_access_users_delete AFTER DELETE ON users BEGIN UPDATE access_epoch SET value = value + 1 WHERE id = 1; END;
CREATE TRIGGER tr_access_crates_update AFTER UPDATE OF restricted ON crates BEGIN UPDATE access_epoch SET value = value + 1 WHERE id = 1; END;
CREATE TRIGGER tr_access_crates_delete AFTER DELETE ON crates BEGIN UPDATE access_epoch SET value = value + 1 WHERE id = 1; END;
CREATE TRIGGER tr_access_crate_owners_insert AFTER INSERT ON crate_owners BEGIN UPDATE access_epoch SET value = value + 1 WHERE id = 1; END;
CREATE TRIGGER tr_access_crate_owners_update AFTER UPDATE ON crate_owners BEGIN UPDATE access_epoch SET value = value + 1 WHERE id = 1; END;
CREATE TRIGGER tr_access_crate_owners_delete AFTER DELETE ON crate_owners BEGIN UPDATE access_epoch SET value = value + 1 WHERE id = 1; END;
CREATE TRIGGER tr_access_organizations_insert AFTER INSERT ON organizations BEGIN UPDATE access_epoch SET value = value + 1 WHERE id = 1; END;
CREATE TRIGGER tr_access_organizations_update AFTER UPDATE ON organizations BEGIN UPDATE access_epoch SET value = value + 1 WHERE id = 1; END;
CREATE TRIGGER tr_access_organizations_delete AFTER DELETE ON organizations BEGIN UPDATE access_epoch SET value = value + 1 WHERE id = 1; END;
CREATE TRIGGER tr_access_organization_members_insert AFTER INSERT ON organization_members BEGIN UPDATE access_epoch SET value = value + 1 WHERE id = 1; END;
CREATE TRIGGER tr_access_organization_members_update AFTER UPDATE ON organization_members BEGIN UPDATE access_epoch SET value = value + 1 WHERE id = 1; END;
CREATE TRIGGER tr_access_organization_members_delete AFTER DELETE ON organization_members BEGIN UPDATE access_epoch SET value = value + 1 WHERE id = 1; END;
CREATE TRIGGER tr_access_teams_insert AFTER INSERT ON teams BEGIN UPDATE access_epoch SET value = value + 1 WHERE id = 1; END;
CREATE TRIGGER tr_access_teams_update AFTER UPDATE ON teams BEGIN UPDATE access_epoch SET value = value + 1 WHERE id = 1; END;
CREATE TRIGGER tr_access_teams_delete AFTER DELETE ON teams BEGIN UPDATE access_epoch SET value = value + 1 WHERE id = 1; END;
CREATE TRIGGER tr_access_team_members_insert AFTER INSERT ON team_members BEGIN UPDATE access_epoch SET value = value + 1 WHERE id = 1; END;
CREATE TRIGGER tr_access_team_members_update AFTER UPDATE ON team_members BEGIN UPDATE access_epoch SET value = value + 1 WHERE id = 1; END;
CREATE TRIGGER tr_access_team_members_delete AFTER DELETE ON team_members BEGIN UPDATE access_epoch SET value = value + 1 WHERE id = 1; END;
CREATE TRIGGER tr_access_crate_org_owners_insert AFTER INSERT ON crate_org_owners BEGIN UPDATE access_epoch SET value = value + 1 WHERE id = 1; END;
CREATE TRIGGER tr_access_crate_org_owners_update AFTER UPDATE ON crate_org_owners BEGIN UPDATE access_epoch SET value = value + 1 WHERE id = 1; END;
CREATE TRIGGER tr_access_crate_org_owners_delete AFTER DELETE ON crate_org_owners BEGIN UPDATE access_epoch SET value = value + 1 WHERE id = 1; END;
CREATE TRIGGER tr_access_crate_team_owners_insert AFTER INSERT ON crate_team_owners BEGIN UPDATE access_epoch SET value = value + 1 WHERE id = 1; END;
CREATE TRIGGER tr_access_crate_team_owners_update AFTER UPDATE ON crate_team_owners BEGIN UPDATE access_epoch SET value = value + 1 WHERE id = 1; END;
CREATE TRIGGER tr_access_crate_team_owners_delete AFTER DELETE ON crate_team_owners BEGIN UPDATE access_epoch SET value = value + 1 WHERE id = 1; END;
