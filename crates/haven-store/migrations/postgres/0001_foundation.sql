-- Haven's foundation: this node, user accounts and their roles, sessions, API
-- tokens, the audit chain and the change log. Released: never edit, add a migration.

CREATE TABLE node (
    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
    site_id UUID NOT NULL,
    created_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE user_account (
    id UUID PRIMARY KEY,
    site_id UUID NOT NULL,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    language TEXT NOT NULL DEFAULT 'en',
    disabled_at TIMESTAMPTZ,
    disabled_by UUID,
    created_at TIMESTAMPTZ NOT NULL,
    created_by UUID NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    updated_by UUID NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);

CREATE TABLE role_assignment (
    id UUID PRIMARY KEY,
    site_id UUID NOT NULL,
    user_id UUID NOT NULL REFERENCES user_account (id),
    role TEXT NOT NULL,
    scope_kind TEXT NOT NULL CHECK (scope_kind IN ('all', 'country', 'programme', 'facility')),
    scope_id TEXT NOT NULL DEFAULT '',
    revoked_at TIMESTAMPTZ,
    revoked_by UUID,
    created_at TIMESTAMPTZ NOT NULL,
    created_by UUID NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    updated_by UUID NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX role_assignment_user ON role_assignment (user_id);

-- Sessions are working state, not records: they are deleted when they end.
CREATE TABLE session (
    token_hash TEXT PRIMARY KEY,
    user_id UUID NOT NULL REFERENCES user_account (id),
    csrf_token TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    last_seen_at TIMESTAMPTZ NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX session_user_id ON session (user_id);

CREATE TABLE api_token (
    id UUID PRIMARY KEY,
    site_id UUID NOT NULL,
    user_id UUID NOT NULL REFERENCES user_account (id),
    label TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    revoked_at TIMESTAMPTZ,
    revoked_by UUID,
    created_at TIMESTAMPTZ NOT NULL,
    created_by UUID NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    updated_by UUID NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX api_token_user ON api_token (user_id);

-- The audit chain. Append-only: the trigger refuses changes and removals, and the
-- hash chain shows any made behind its back.
CREATE TABLE audit_event (
    sequence BIGINT PRIMARY KEY,
    id UUID NOT NULL UNIQUE,
    occurred_at TIMESTAMPTZ NOT NULL,
    actor_id UUID NOT NULL,
    actor_username TEXT NOT NULL,
    action TEXT NOT NULL,
    entity TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    address TEXT NOT NULL,
    detail TEXT NOT NULL,
    previous_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX audit_event_actor ON audit_event (actor_username, sequence);
CREATE INDEX audit_event_entity ON audit_event (entity, entity_id, sequence);
CREATE INDEX audit_event_action ON audit_event (action, sequence);

CREATE FUNCTION audit_event_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER audit_event_no_change BEFORE UPDATE OR DELETE ON audit_event
    FOR EACH ROW EXECUTE FUNCTION audit_event_append_only();

-- The head of the chain: one row that serialises appends.
CREATE TABLE audit_head (
    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
    sequence BIGINT NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (singleton, sequence, hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

-- Every write appends here in its own transaction; sync and indicators read it.
CREATE TABLE change_log (
    sequence BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    entity TEXT NOT NULL,
    entity_id TEXT NOT NULL,
    version BIGINT NOT NULL,
    site_id UUID NOT NULL,
    changed_at TIMESTAMPTZ NOT NULL,
    changed_by UUID NOT NULL
);
CREATE INDEX change_log_entity ON change_log (entity, entity_id);
