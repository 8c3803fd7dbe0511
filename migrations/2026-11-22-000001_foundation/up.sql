-- Foundation: accounts, brand settings, acceptable use policy, e-mail tokens, API tokens,
-- the mail outbox and the append-only audit log.

CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE users (
    id                      BIGSERIAL PRIMARY KEY,
    username                TEXT        NOT NULL,
    email                   TEXT        NOT NULL,
    password_hash           TEXT        NOT NULL,
    display_name            TEXT,
    bio                     TEXT        NOT NULL DEFAULT '',
    -- member is implicit; these are the extra roles
    roles                   TEXT[]      NOT NULL DEFAULT '{}',
    partner_label           TEXT,
    email_verified_at       TIMESTAMPTZ,
    accepted_policy_version INTEGER,
    accepted_policy_at      TIMESTAMPTZ,
    last_login_at           TIMESTAMPTZ,
    created_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at              TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT users_roles_known CHECK (roles <@ ARRAY['admin', 'staff', 'moderator', 'product']::TEXT[]),
    CONSTRAINT users_username_shape CHECK (username ~ '^[A-Za-z0-9_]{3,20}$'),
    CONSTRAINT users_email_shape CHECK (position('@' IN email) > 1 AND length(email) <= 254)
);
CREATE UNIQUE INDEX users_username_lower_key ON users (lower(username));
CREATE UNIQUE INDEX users_email_lower_key ON users (lower(email));

-- One row: the brand the community runs under.
CREATE TABLE site_settings (
    id                SMALLINT    PRIMARY KEY DEFAULT 1 CHECK (id = 1),
    name              TEXT        NOT NULL,
    tagline           TEXT        NOT NULL DEFAULT '',
    color_primary     TEXT        NOT NULL DEFAULT '#1f5f8b',
    color_accent      TEXT        NOT NULL DEFAULT '#9c4312',
    logo              BYTEA,
    logo_content_type TEXT,
    logo_alt          TEXT        NOT NULL DEFAULT '',
    version           INTEGER     NOT NULL DEFAULT 1,
    updated_by        BIGINT      REFERENCES users (id) ON DELETE SET NULL,
    created_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT site_settings_colors CHECK (color_primary ~ '^#[0-9a-f]{6}$' AND color_accent ~ '^#[0-9a-f]{6}$')
);
INSERT INTO site_settings (id, name, tagline) VALUES (1, 'Hearth', 'Where customers help each other.');

-- The acceptable use policy, one row per published version.
CREATE TABLE policy_versions (
    version      INTEGER     PRIMARY KEY,
    title        TEXT        NOT NULL,
    body_md      TEXT        NOT NULL,
    body_html    TEXT        NOT NULL,
    published_by BIGINT      REFERENCES users (id) ON DELETE SET NULL,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);
INSERT INTO policy_versions (version, title, body_md, body_html) VALUES (
    1,
    'Acceptable use policy',
    E'Be helpful, be kind, stay on topic.\n\n- Answer the question that was asked; a brief "good post" or "+1" adds nothing, use the vote instead.\n- No advertising: posts that mainly promote links, or carry more than one link, are held for review.\n- No abuse, harassment or personal data of others.\n- Staff and moderators act on this policy; every action they take is logged.',
    E'<p>Be helpful, be kind, stay on topic.</p>\n<ul>\n<li>Answer the question that was asked; a brief “good post” or “+1” adds nothing, use the vote instead.</li>\n<li>No advertising: posts that mainly promote links, or carry more than one link, are held for review.</li>\n<li>No abuse, harassment or personal data of others.</li>\n<li>Staff and moderators act on this policy; every action they take is logged.</li>\n</ul>\n'
);
ALTER TABLE users ADD CONSTRAINT users_accepted_policy_fk
    FOREIGN KEY (accepted_policy_version) REFERENCES policy_versions (version);

-- Single-use tokens sent by e-mail (verification, password reset). Only a hash is stored.
CREATE TABLE email_tokens (
    id         BIGSERIAL   PRIMARY KEY,
    user_id    BIGINT      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose    TEXT        NOT NULL CHECK (purpose IN ('verify_email', 'reset_password')),
    token_hash BYTEA       NOT NULL UNIQUE,
    email      TEXT        NOT NULL,
    expires_at TIMESTAMPTZ NOT NULL,
    used_at    TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX email_tokens_user_idx ON email_tokens (user_id, purpose);

-- Personal API tokens (Authorization: Bearer). Only a hash is stored.
CREATE TABLE api_tokens (
    id           BIGSERIAL   PRIMARY KEY,
    user_id      BIGINT      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name         TEXT        NOT NULL,
    token_hash   BYTEA       NOT NULL UNIQUE,
    token_prefix TEXT        NOT NULL,
    last_used_at TIMESTAMPTZ,
    revoked_at   TIMESTAMPTZ,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX api_tokens_user_idx ON api_tokens (user_id, created_at DESC);

-- Every e-mail goes through this queue, written in the transaction of the event that causes it.
CREATE TABLE mail_outbox (
    id              BIGSERIAL   PRIMARY KEY,
    kind            TEXT        NOT NULL,
    to_address      TEXT        NOT NULL,
    subject         TEXT        NOT NULL,
    text_body       TEXT        NOT NULL,
    html_body       TEXT        NOT NULL,
    attempts        INTEGER     NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    locked_until    TIMESTAMPTZ,
    last_error      TEXT,
    sent_at         TIMESTAMPTZ,
    -- set when delivery failed for good (a permanent SMTP error, or too many attempts)
    gave_up_at      TIMESTAMPTZ,
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX mail_outbox_pending_idx ON mail_outbox (next_attempt_at, id) WHERE sent_at IS NULL AND gave_up_at IS NULL;

-- Who did what to whom, and why. Append-only: the trigger refuses UPDATE and DELETE.
CREATE TABLE audit_log (
    id          BIGSERIAL   PRIMARY KEY,
    actor_id    BIGINT      REFERENCES users (id) ON DELETE SET NULL,
    action      TEXT        NOT NULL,
    target_type TEXT        NOT NULL,
    target_id   BIGINT,
    before      JSONB,
    after       JSONB,
    reason      TEXT        NOT NULL DEFAULT '',
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX audit_log_created_idx ON audit_log (created_at DESC, id DESC);
CREATE INDEX audit_log_actor_idx ON audit_log (actor_id, created_at DESC);

CREATE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$;
CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_append_only();
