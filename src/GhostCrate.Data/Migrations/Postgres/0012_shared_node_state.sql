-- Keys that encrypt session and antiforgery cookies (ASP.NET Core Data Protection key ring elements; issue 24),
-- PostgreSQL. Keep in step with Sqlite/0012_shared_node_state.sql. In the database rather than a folder so that every
-- node of a cluster reads the same ring without a shared disk, and a backup carries them
-- (Data/Identity/DataProtectionKeyRepository.cs). The key manager only adds elements (new keys, revocations), named
-- key-{id} or revocation-{date}.
CREATE TABLE data_protection_keys (
    friendly_name text   NOT NULL PRIMARY KEY,
    xml           text   NOT NULL,
    created_at    bigint NOT NULL
);

-- The access epoch (issue 24): a number that goes up whenever anything an access decision rests on changes (a token
-- revoked or re-scoped, a user disabled, made admin or read-only, an organization or team membership, a crate's owners
-- or its restricted flag). Each node caches token -> principal and crate read decisions stamped with the epoch it read
-- (Core/Identity/AccessCache.cs) and drops them when the epoch moves; the NOTIFY on the change feed's channel (delivered
-- at commit) tells every node to read it at once. Triggers, not repository code, bump it, so no write path (CLI, API,
-- a later feature) can forget to. A token's last-use stamp does not move it.
CREATE TABLE access_epoch (
    id    integer NOT NULL PRIMARY KEY CHECK (id = 1),
    value bigint  NOT NULL
);
INSERT INTO access_epoch (id, value) VALUES (1, 0);

CREATE FUNCTION ghostcrate_access_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE access_epoch SET value = value + 1 WHERE id = 1;
    PERFORM pg_notify('ghostcrate_changes', 'access');
    RETURN NULL;
END
$$;
CREATE TRIGGER tr_access_api_tokens_update AFTER UPDATE OF revoked_at, expires_at, endpoint_scopes, crate_scopes, user_id, token_hash ON api_tokens FOR EACH STATEMENT EXECUTE FUNCTION ghostcrate_access_changed();
CREATE TRIGGER tr_access_api_tokens_delete AFTER DELETE ON api_tokens FOR EACH STATEMENT EXECUTE FUNCTION ghostcrate_access_changed();
CREATE TRIGGER tr_access_users_update AFTER UPDATE OF is_admin, is_disabled, is_read_only, username ON users FOR EACH STATEMENT EXECUTE FUNCTION ghostcrate_access_changed();
CREATE TRIGGER tr_access_users_delete AFTER DELETE ON users FOR EACH STATEMENT EXECUTE FUNCTION ghostcrate_access_changed();
CREATE TRIGGER tr_access_crates_update AFTER UPDATE OF restricted ON crates FOR EACH STATEMENT EXECUTE FUNCTION ghostcrate_access_changed();
CREATE TRIGGER tr_access_crates_delete AFTER DELETE ON crates FOR EACH STATEMENT EXECUTE FUNCTION ghostcrate_access_changed();
CREATE TRIGGER tr_access_crate_owners AFTER INSERT OR UPDATE OR DELETE ON crate_owners FOR EACH STATEMENT EXECUTE FUNCTION ghostcrate_access_changed();
CREATE TRIGGER tr_access_organizations AFTER INSERT OR UPDATE OR DELETE ON organizations FOR EACH STATEMENT EXECUTE FUNCTION ghostcrate_access_changed();
CREATE TRIGGER tr_access_organization_members AFTER INSERT OR UPDATE OR DELETE ON organization_members FOR EACH STATEMENT EXECUTE FUNCTION ghostcrate_access_changed();
CREATE TRIGGER tr_access_teams AFTER INSERT OR UPDATE OR DELETE ON teams FOR EACH STATEMENT EXECUTE FUNCTION ghostcrate_access_changed();
CREATE TRIGGER tr_access_team_members AFTER INSERT OR UPDATE OR DELETE ON team_members FOR EACH STATEMENT EXECUTE FUNCTION ghostcrate_access_changed();
CREATE TRIGGER tr_access_crate_org_owners AFTER INSERT OR UPDATE OR DELETE ON crate_org_owners FOR EACH STATEMENT EXECUTE FUNCTION ghostcrate_access_changed();
CREATE TRIGGER tr_access_crate_team_owners AFTER INSERT OR UPDATE OR DELETE ON crate_team_owners FOR EACH STATEMENT EXECUTE FUNCTION ghostcrate_access_changed();
