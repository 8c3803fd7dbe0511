-- Moderation and listening: pre-moderation rules, flags, one queue, appeals, sanctions, the staff inbox.

-- A moderator's "no" is its own status (the author sees why, and may appeal once).
ALTER TABLE posts DROP CONSTRAINT posts_status_check;
ALTER TABLE posts ADD CONSTRAINT posts_status_check
    CHECK (status IN ('published', 'pending', 'hidden', 'rejected', 'deleted'));
ALTER TABLE topics DROP CONSTRAINT topics_status_check;
ALTER TABLE topics ADD CONSTRAINT topics_status_check
    CHECK (status IN ('published', 'pending', 'hidden', 'rejected', 'deleted'));
ALTER TABLE answer_comments DROP CONSTRAINT answer_comments_status_check;
ALTER TABLE answer_comments ADD CONSTRAINT answer_comments_status_check
    CHECK (status IN ('published', 'pending', 'hidden', 'rejected', 'deleted'));
ALTER TABLE answer_comments ADD COLUMN held_reason TEXT;

-- VADER compound score of the post's text (-1 … 1), computed when it is written.
ALTER TABLE posts ADD COLUMN sentiment REAL;

-- Suspensions (a ban is a suspension until 9999-12-31) and the first-posts rule's count of approved posts.
ALTER TABLE users ADD COLUMN suspended_until TIMESTAMPTZ;
ALTER TABLE users ADD COLUMN suspension_reason TEXT;
ALTER TABLE users ADD COLUMN approved_posts INTEGER NOT NULL DEFAULT 0;

-- The automatic rules and the listening settings, one row each, edited by admins.
CREATE TABLE moderation_settings (
    name       TEXT        PRIMARY KEY CHECK (name IN
        ('too_brief', 'link_limit', 'link_promotion', 'words', 'first_posts', 'partner_hold', 'flags', 'inbox')),
    enabled    BOOLEAN     NOT NULL DEFAULT true,
    params     JSONB       NOT NULL DEFAULT '{}',
    updated_by BIGINT      REFERENCES users (id) ON DELETE SET NULL,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
INSERT INTO moderation_settings (name, enabled, params) VALUES
    ('too_brief', true, '{"min_chars": 10, "phrases": ["good post", "great post", "nice post", "+1", "thanks!", "thanks", "thank you", "me too", "same here", "bump", "this"]}'),
    ('link_limit', true, '{"max_links": 1, "min_trust_level": 1}'),
    ('link_promotion', true, '{"max_link_share": 0.6, "watched_domains": ["bit.ly", "tinyurl.com", "t.co", "goo.gl", "ow.ly"]}'),
    ('words', true, '{"blocked": [], "watched": []}'),
    ('first_posts', false, '{"count": 1}'),
    ('partner_hold', false, '{}'),
    ('flags', true, '{"hide_at_weight": 3}'),
    ('inbox', true, '{"unanswered_hours": 24, "detractor_below": -0.5}');

-- Flags on posts. One per member and post; the weight comes from the flagger's trust level.
CREATE TABLE flags (
    id          BIGSERIAL   PRIMARY KEY,
    post_id     BIGINT      NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    flagger_id  BIGINT      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    reason      TEXT        NOT NULL CHECK (reason IN ('spam', 'abusive', 'off_topic', 'other')),
    note        TEXT        NOT NULL DEFAULT '',
    weight      INTEGER     NOT NULL CHECK (weight > 0),
    -- agreed (the moderator acted on it) or dismissed
    outcome     TEXT        CHECK (outcome IN ('agreed', 'dismissed')),
    resolved_at TIMESTAMPTZ,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT flags_post_flagger_key UNIQUE (post_id, flagger_id),
    CHECK (reason <> 'other' OR note <> '')
);
CREATE INDEX flags_open_post_idx ON flags (post_id) WHERE resolved_at IS NULL;
CREATE INDEX flags_flagger_idx ON flags (flagger_id, created_at DESC);

-- The one moderation queue: held content, flagged content, appeals. At most one open item per content and kind.
CREATE TABLE moderation_queue (
    id           BIGSERIAL   PRIMARY KEY,
    kind         TEXT        NOT NULL CHECK (kind IN ('held', 'flagged', 'appeal')),
    post_id      BIGINT      REFERENCES posts (id) ON DELETE CASCADE,
    comment_id   BIGINT      REFERENCES answer_comments (id) ON DELETE CASCADE,
    author_id    BIGINT      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- the rule (too_brief, link_limit, …) or flag reason (spam, …) or 'appeal'
    reason       TEXT        NOT NULL,
    detail       TEXT        NOT NULL DEFAULT '',
    state        TEXT        NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'approved', 'rejected', 'dismissed')),
    resolved_by  BIGINT      REFERENCES users (id) ON DELETE SET NULL,
    resolved_at  TIMESTAMPTZ,
    resolution   TEXT        NOT NULL DEFAULT '',
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK ((post_id IS NULL) <> (comment_id IS NULL)),
    CHECK ((state = 'open') = (resolved_at IS NULL))
);
CREATE UNIQUE INDEX moderation_queue_open_post_key ON moderation_queue (post_id, kind) WHERE state = 'open' AND post_id IS NOT NULL;
CREATE UNIQUE INDEX moderation_queue_open_comment_key ON moderation_queue (comment_id, kind) WHERE state = 'open' AND comment_id IS NOT NULL;
CREATE INDEX moderation_queue_open_idx ON moderation_queue (id) WHERE state = 'open';
CREATE INDEX moderation_queue_author_idx ON moderation_queue (author_id, created_at DESC);

-- An author may appeal a rejected or hidden post once.
CREATE TABLE appeals (
    id         BIGSERIAL   PRIMARY KEY,
    post_id    BIGINT      REFERENCES posts (id) ON DELETE CASCADE,
    comment_id BIGINT      REFERENCES answer_comments (id) ON DELETE CASCADE,
    author_id  BIGINT      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    body       TEXT        NOT NULL CHECK (char_length(body) BETWEEN 10 AND 2000),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK ((post_id IS NULL) <> (comment_id IS NULL))
);
CREATE UNIQUE INDEX appeals_post_key ON appeals (post_id) WHERE post_id IS NOT NULL;
CREATE UNIQUE INDEX appeals_comment_key ON appeals (comment_id) WHERE comment_id IS NOT NULL;

-- Warnings, suspensions, bans and their lifting, per member (the audit log has them too).
CREATE TABLE member_sanctions (
    id         BIGSERIAL   PRIMARY KEY,
    user_id    BIGINT      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind       TEXT        NOT NULL CHECK (kind IN ('warn', 'suspend', 'ban', 'unsuspend')),
    until      TIMESTAMPTZ,
    reason     TEXT        NOT NULL,
    created_by BIGINT      REFERENCES users (id) ON DELETE SET NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX member_sanctions_user_idx ON member_sanctions (user_id, created_at DESC);

-- The staff inbox: questions nobody answered, and detractor posts nobody from the team answered yet.
CREATE TABLE inbox_items (
    id                 BIGSERIAL   PRIMARY KEY,
    kind               TEXT        NOT NULL CHECK (kind IN ('unanswered', 'detractor')),
    topic_id           BIGINT      NOT NULL REFERENCES topics (id) ON DELETE CASCADE,
    post_id            BIGINT      NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    waiting_since      TIMESTAMPTZ NOT NULL,
    assigned_to        BIGINT      REFERENCES users (id) ON DELETE SET NULL,
    assigned_at        TIMESTAMPTZ,
    first_response_at  TIMESTAMPTZ,
    first_responder_id BIGINT      REFERENCES users (id) ON DELETE SET NULL,
    handled_at         TIMESTAMPTZ,
    handled_by         BIGINT      REFERENCES users (id) ON DELETE SET NULL,
    created_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT inbox_items_post_kind_key UNIQUE (post_id, kind)
);
CREATE INDEX inbox_items_waiting_idx ON inbox_items (waiting_since, id) WHERE handled_at IS NULL AND first_response_at IS NULL;
CREATE INDEX inbox_items_topic_idx ON inbox_items (topic_id) WHERE first_response_at IS NULL;

-- The audit log is filtered by action and target.
CREATE INDEX audit_log_action_idx ON audit_log (action, id DESC);
CREATE INDEX audit_log_target_idx ON audit_log (target_type, target_id, id DESC);
