-- Identity (issue 5), SQLite. Keep in step with Postgres/0003_identity.sql: same tables, columns and indexes.
-- Accounts: read-only users (may read in auth-required mode, never write) and a session version that invalidates
-- every cookie session of a user when it changes (password change or reset, disable, role change).
ALTER TABLE users ADD COLUMN is_read_only INTEGER NOT NULL DEFAULT 0 CHECK (is_read_only IN (0, 1));
ALTER TABLE users ADD COLUMN session_version BIGINT NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN email TEXT NULL;
ALTER TABLE users ADD COLUMN display_name TEXT NULL;

-- Single sign-on: one row per (provider, subject) links an external identity to a local user.
CREATE TABLE external_logins (
    provider   TEXT   NOT NULL,
    subject    TEXT   NOT NULL,
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (provider, subject)
);
CREATE INDEX ix_external_logins_user_id ON external_logins (user_id);

-- Pending single sign-on logins (state, nonce, PKCE verifier). A row is deleted when its callback arrives, so a
-- replayed state finds nothing; the key is the SHA-256 of the state, never the state itself.
CREATE TABLE login_states (
    state_hash    TEXT   NOT NULL PRIMARY KEY,
    provider      TEXT   NOT NULL,
    nonce         TEXT   NOT NULL,
    code_verifier TEXT   NOT NULL,
    return_url    TEXT   NULL,
    expires_at    BIGINT NOT NULL
);
CREATE INDEX ix_login_states_expires_at ON login_states (expires_at);

-- Audit log of every state change. Never holds secrets: details are written by Core from known fields only.
CREATE TABLE audit_events (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    occurred_at BIGINT NOT NULL,
    actor_id    BIGINT NULL,
    actor_name  TEXT   NULL,
    token_id    BIGINT NULL,
    address     TEXT   NULL,
    action      TEXT   NOT NULL,
    target      TEXT   NULL,
    details     TEXT   NULL
);
CREATE INDEX ix_audit_events_occurred_at ON audit_events (occurred_at);
CREATE INDEX ix_audit_events_actor_id ON audit_events (actor_id);
CREATE INDEX ix_audit_events_action ON audit_events (action);

-- Organizations and their members. Roles: owner, admin, member, contributor (docs/permissions.md).
CREATE TABLE organizations (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    name           TEXT   NOT NULL,
    name_canonical TEXT   NOT NULL,
    created_at     BIGINT NOT NULL
);
CREATE UNIQUE INDEX ux_organizations_name_canonical ON organizations (name_canonical);

CREATE TABLE organization_members (
    org_id     BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role       TEXT   NOT NULL CHECK (role IN ('owner', 'admin', 'member', 'contributor')),
    created_at BIGINT NOT NULL,
    PRIMARY KEY (org_id, user_id)
);
CREATE INDEX ix_organization_members_user_id ON organization_members (user_id);

-- Invitations must be accepted by the invitee before membership starts; one open invitation per user and org.
CREATE TABLE organization_invitations (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id      BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    user_id     BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role        TEXT   NOT NULL CHECK (role IN ('owner', 'admin', 'member', 'contributor')),
    invited_by  BIGINT NULL REFERENCES users (id) ON DELETE SET NULL,
    created_at  BIGINT NOT NULL,
    expires_at  BIGINT NOT NULL
);
CREATE UNIQUE INDEX ux_organization_invitations_org_user ON organization_invitations (org_id, user_id);
CREATE INDEX ix_organization_invitations_user_id ON organization_invitations (user_id);

CREATE TABLE teams (
    id             INTEGER PRIMARY KEY AUTOINCREMENT,
    org_id         BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    name           TEXT   NOT NULL,
    name_canonical TEXT   NOT NULL,
    created_at     BIGINT NOT NULL
);
CREATE UNIQUE INDEX ux_teams_org_name ON teams (org_id, name_canonical);

CREATE TABLE team_members (
    team_id    BIGINT NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (team_id, user_id)
);
CREATE INDEX ix_team_members_user_id ON team_members (user_id);

-- Crates owned by a whole organization (`cargo owner --add org:acme`) or by one of its teams (`org:acme:team`).
CREATE TABLE crate_org_owners (
    crate_id   BIGINT NOT NULL REFERENCES crates (id) ON DELETE CASCADE,
    org_id     BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (crate_id, org_id)
);
CREATE INDEX ix_crate_org_owners_org_id ON crate_org_owners (org_id);

CREATE TABLE crate_team_owners (
    crate_id   BIGINT NOT NULL REFERENCES crates (id) ON DELETE CASCADE,
    team_id    BIGINT NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (crate_id, team_id)
);
CREATE INDEX ix_crate_team_owners_team_id ON crate_team_owners (team_id);

-- Per-crate read access: in auth-required mode a restricted crate is visible to its owners (users, org members,
-- team members) and administrators only.
ALTER TABLE crates ADD COLUMN restricted INTEGER NOT NULL DEFAULT 0 CHECK (restricted IN (0, 1));
