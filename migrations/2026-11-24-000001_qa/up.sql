-- Q&A: "Anybody experience with …?". A question is a topic of kind 'question' (so it shares categories,
-- visibility, search, edits and views with the forums); its answers are the topic's replies.

ALTER TABLE topics ADD COLUMN kind TEXT NOT NULL DEFAULT 'discussion' CHECK (kind IN ('discussion', 'question'));

-- The product catalogue (admins and staff manage it).
CREATE TABLE products (
    id         BIGSERIAL   PRIMARY KEY,
    slug       TEXT        NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$'),
    name       TEXT        NOT NULL CHECK (char_length(name) BETWEEN 2 AND 80),
    -- the product line it belongs to, if any
    parent_id  BIGINT      REFERENCES products (id) ON DELETE SET NULL,
    versions   TEXT[]      NOT NULL DEFAULT '{}',
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX products_name_idx ON products (lower(name), id);

-- "I own …": what members own, since when, and whether they may be asked about it.
CREATE TABLE product_owners (
    user_id    BIGINT      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    product_id BIGINT      NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    since      DATE,
    ask_me     BOOLEAN     NOT NULL DEFAULT false,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, product_id)
);
CREATE INDEX product_owners_askable_idx ON product_owners (product_id, user_id) WHERE ask_me;

-- One row per question topic: its state and the times that feed the staff inbox.
CREATE TABLE questions (
    topic_id         BIGINT      PRIMARY KEY REFERENCES topics (id) ON DELETE CASCADE,
    state            TEXT        NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'answered', 'accepted')),
    accepted_post_id BIGINT      REFERENCES posts (id) ON DELETE SET NULL,
    answer_count     INTEGER     NOT NULL DEFAULT 0,
    asked_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
    first_answer_at  TIMESTAMPTZ,
    accepted_at      TIMESTAMPTZ,
    created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK ((state = 'accepted') = (accepted_post_id IS NOT NULL))
);
CREATE INDEX questions_recent_idx ON questions (asked_at DESC, topic_id DESC);
CREATE INDEX questions_state_idx ON questions (state, asked_at DESC, topic_id DESC);
-- the unanswered queue, longest waiting first
CREATE INDEX questions_waiting_idx ON questions (asked_at, topic_id) WHERE state = 'open';

CREATE TABLE question_products (
    topic_id   BIGINT NOT NULL REFERENCES questions (topic_id) ON DELETE CASCADE,
    product_id BIGINT NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    PRIMARY KEY (topic_id, product_id)
);
CREATE INDEX question_products_product_idx ON question_products (product_id, topic_id DESC);

-- Answers' scores: one vote per member and answer (the primary key makes repeats count once).
ALTER TABLE posts ADD COLUMN score INTEGER NOT NULL DEFAULT 0;
CREATE TABLE answer_votes (
    post_id    BIGINT      NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    user_id    BIGINT      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    value      SMALLINT    NOT NULL CHECK (value IN (-1, 1)),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (post_id, user_id)
);
CREATE INDEX answer_votes_user_idx ON answer_votes (user_id);

CREATE TABLE answer_comments (
    id         BIGSERIAL   PRIMARY KEY,
    post_id    BIGINT      NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    author_id  BIGINT      NOT NULL REFERENCES users (id),
    body_md    TEXT        NOT NULL,
    body_html  TEXT        NOT NULL,
    status     TEXT        NOT NULL DEFAULT 'published' CHECK (status IN ('published', 'pending', 'hidden', 'deleted')),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX answer_comments_post_idx ON answer_comments (post_id, id);

-- How many of a member's answers were accepted: invitations favour them.
CREATE TABLE answerer_stats (
    user_id          BIGINT  PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    accepted_answers INTEGER NOT NULL DEFAULT 0
);

-- In-app notifications (the notifications capability adds delivery by e-mail, digests and live updates).
-- `dedupe_key` makes an event notify a member at most once, even when the request is retried.
CREATE TABLE notifications (
    id         BIGSERIAL   PRIMARY KEY,
    user_id    BIGINT      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind       TEXT        NOT NULL,
    actor_id   BIGINT      REFERENCES users (id) ON DELETE SET NULL,
    topic_id   BIGINT      REFERENCES topics (id) ON DELETE CASCADE,
    post_id    BIGINT      REFERENCES posts (id) ON DELETE CASCADE,
    title      TEXT        NOT NULL,
    url        TEXT        NOT NULL,
    dedupe_key TEXT        NOT NULL,
    read_at    TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT notifications_dedupe_key UNIQUE (user_id, dedupe_key)
);
CREATE INDEX notifications_user_idx ON notifications (user_id, id DESC);
CREATE INDEX notifications_unread_idx ON notifications (user_id) WHERE read_at IS NULL;
