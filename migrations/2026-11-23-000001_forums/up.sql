-- Forums: categories, topics, posts with edit history, watching, read state, full-text search.

-- Members of the fan club. The club capability adds tiers and perks; forums need only "is a member" to open
-- club-only categories.
CREATE TABLE club_members (
    user_id    BIGINT      PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    joined_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE categories (
    id             BIGSERIAL   PRIMARY KEY,
    slug           TEXT        NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$'),
    name           TEXT        NOT NULL CHECK (char_length(name) BETWEEN 2 AND 60),
    description    TEXT        NOT NULL DEFAULT '',
    position       INTEGER     NOT NULL DEFAULT 0,
    color          TEXT        NOT NULL DEFAULT '#1f5f8b' CHECK (color ~ '^#[0-9a-f]{6}$'),
    -- who may see it: everyone, fan-club members (and the team), or the brand's team only
    visibility     TEXT        NOT NULL DEFAULT 'public' CHECK (visibility IN ('public', 'club', 'staff')),
    -- who may start topics: everyone who can see it, or the team only (announcements)
    posting        TEXT        NOT NULL DEFAULT 'everyone' CHECK (posting IN ('everyone', 'staff')),
    topic_count    INTEGER     NOT NULL DEFAULT 0,
    post_count     INTEGER     NOT NULL DEFAULT 0,
    last_posted_at TIMESTAMPTZ,
    created_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at     TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX categories_position_idx ON categories (position, id);

CREATE TABLE topics (
    id               BIGSERIAL   PRIMARY KEY,
    category_id      BIGINT      NOT NULL REFERENCES categories (id),
    author_id        BIGINT      NOT NULL REFERENCES users (id),
    title            TEXT        NOT NULL CHECK (char_length(title) BETWEEN 8 AND 140),
    status           TEXT        NOT NULL DEFAULT 'published' CHECK (status IN ('published', 'pending', 'hidden', 'deleted')),
    held_reason      TEXT,
    pinned_at        TIMESTAMPTZ,
    locked_at        TIMESTAMPTZ,
    -- numbering: every post gets the next number, whatever becomes of it
    next_post_number INTEGER     NOT NULL DEFAULT 1,
    -- the highest number of a published post, and how many published replies there are
    last_post_number INTEGER     NOT NULL DEFAULT 0,
    reply_count      INTEGER     NOT NULL DEFAULT 0,
    view_count       BIGINT      NOT NULL DEFAULT 0,
    last_posted_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    last_poster_id   BIGINT      REFERENCES users (id),
    created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    search           TSVECTOR    GENERATED ALWAYS AS (to_tsvector('english', title)) STORED
);
CREATE INDEX topics_latest_idx ON topics (last_posted_at DESC, id DESC) WHERE status = 'published';
CREATE INDEX topics_category_latest_idx ON topics (category_id, last_posted_at DESC, id DESC) WHERE status = 'published';
CREATE INDEX topics_category_pinned_idx ON topics (category_id, pinned_at DESC) WHERE pinned_at IS NOT NULL AND status = 'published';
CREATE INDEX topics_author_idx ON topics (author_id, created_at DESC, id DESC);
CREATE INDEX topics_search_idx ON topics USING GIN (search);
CREATE INDEX topics_title_trgm_idx ON topics USING GIN (title gin_trgm_ops);

CREATE TABLE posts (
    id            BIGSERIAL   PRIMARY KEY,
    topic_id      BIGINT      NOT NULL REFERENCES topics (id) ON DELETE CASCADE,
    post_number   INTEGER     NOT NULL CHECK (post_number > 0),
    author_id     BIGINT      NOT NULL REFERENCES users (id),
    body_md       TEXT        NOT NULL,
    body_html     TEXT        NOT NULL,
    quote_post_id BIGINT      REFERENCES posts (id) ON DELETE SET NULL,
    status        TEXT        NOT NULL DEFAULT 'published' CHECK (status IN ('published', 'pending', 'hidden', 'deleted')),
    held_reason   TEXT,
    edit_count    INTEGER     NOT NULL DEFAULT 0,
    edited_at     TIMESTAMPTZ,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    search        TSVECTOR    GENERATED ALWAYS AS (to_tsvector('english', body_md)) STORED,
    CONSTRAINT posts_topic_number_key UNIQUE (topic_id, post_number)
);
CREATE INDEX posts_author_idx ON posts (author_id, created_at DESC, id DESC);
CREATE INDEX posts_search_idx ON posts USING GIN (search);

-- Every edit keeps what was there before.
CREATE TABLE post_revisions (
    id         BIGSERIAL   PRIMARY KEY,
    post_id    BIGINT      NOT NULL REFERENCES posts (id) ON DELETE CASCADE,
    editor_id  BIGINT      REFERENCES users (id) ON DELETE SET NULL,
    revision   INTEGER     NOT NULL,
    title      TEXT,
    body_md    TEXT        NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT post_revisions_post_revision_key UNIQUE (post_id, revision)
);

CREATE TABLE topic_watches (
    user_id    BIGINT      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    topic_id   BIGINT      NOT NULL REFERENCES topics (id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, topic_id)
);
CREATE INDEX topic_watches_topic_idx ON topic_watches (topic_id);

CREATE TABLE category_watches (
    user_id     BIGINT      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    category_id BIGINT      NOT NULL REFERENCES categories (id) ON DELETE CASCADE,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, category_id)
);
CREATE INDEX category_watches_category_idx ON category_watches (category_id);

-- How far a member has read each topic (unread markers).
CREATE TABLE topic_reads (
    user_id          BIGINT      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    topic_id         BIGINT      NOT NULL REFERENCES topics (id) ON DELETE CASCADE,
    last_read_number INTEGER     NOT NULL,
    created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, topic_id)
);
