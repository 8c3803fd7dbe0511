-- Ideas that feed product development. An idea is a topic of kind 'idea' (so it shares categories, visibility,
-- Markdown, search, edits and views with the forums); its comments are the topic's replies.

ALTER TABLE topics DROP CONSTRAINT topics_kind_check;
ALTER TABLE topics ADD CONSTRAINT topics_kind_check CHECK (kind IN ('discussion', 'question', 'idea'));

-- Fan-club tiers (the club capability adds thresholds, perks and events); ideas filter voters by tier.
CREATE TABLE club_tiers (
    id             BIGSERIAL   PRIMARY KEY,
    slug           TEXT        NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$'),
    name           TEXT        NOT NULL CHECK (char_length(name) BETWEEN 2 AND 40),
    -- higher ranks are more privileged
    rank           INTEGER     NOT NULL DEFAULT 0,
    min_reputation INTEGER     NOT NULL DEFAULT 0,
    created_at     TIMESTAMPTZ NOT NULL DEFAULT now()
);
ALTER TABLE club_members ADD COLUMN tier_id BIGINT REFERENCES club_tiers (id) ON DELETE SET NULL;
CREATE INDEX club_members_tier_idx ON club_members (tier_id, user_id);

CREATE TABLE ideas (
    topic_id          BIGINT      PRIMARY KEY REFERENCES topics (id) ON DELETE CASCADE,
    product_id        BIGINT      REFERENCES products (id) ON DELETE SET NULL,
    status            TEXT        NOT NULL DEFAULT 'new'
        CHECK (status IN ('new', 'under_review', 'planned', 'in_progress', 'shipped', 'declined', 'merged')),
    merged_into_id    BIGINT      REFERENCES ideas (topic_id) ON DELETE SET NULL,
    -- = count of idea_votes rows, maintained in the voting transaction under this row's lock
    vote_count        INTEGER     NOT NULL DEFAULT 0 CHECK (vote_count >= 0),
    -- votes of the last 30 days, each weighing 0.5^(age / 7 days): +1 per vote at once, recomputed
    -- exactly from idea_votes every few minutes
    trending          DOUBLE PRECISION NOT NULL DEFAULT 0,
    status_changed_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    shipped_at        TIMESTAMPTZ,
    created_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at        TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK ((status = 'merged') = (merged_into_id IS NOT NULL)),
    CHECK (merged_into_id IS DISTINCT FROM topic_id),
    CHECK (status <> 'shipped' OR shipped_at IS NOT NULL)
);
-- the board's three orders (merged ideas never list)
CREATE INDEX ideas_votes_idx ON ideas (vote_count DESC, topic_id DESC) WHERE status <> 'merged';
CREATE INDEX ideas_trending_idx ON ideas (trending DESC, topic_id DESC) WHERE status <> 'merged';
CREATE INDEX ideas_recent_idx ON ideas (created_at DESC, topic_id DESC) WHERE status <> 'merged';
CREATE INDEX ideas_status_idx ON ideas (status, vote_count DESC, topic_id DESC);
CREATE INDEX ideas_product_idx ON ideas (product_id, vote_count DESC, topic_id DESC) WHERE product_id IS NOT NULL;
-- "You asked, we built"
CREATE INDEX ideas_shipped_idx ON ideas (shipped_at DESC, topic_id DESC) WHERE status = 'shipped';
-- what was merged into an idea (its page lists them)
CREATE INDEX ideas_merged_into_idx ON ideas (merged_into_id) WHERE merged_into_id IS NOT NULL;
-- the trending recompute visits only ideas that have a score
CREATE INDEX ideas_scored_idx ON ideas (topic_id) WHERE trending > 0;

-- One vote per member and idea: the primary key makes a repeated (or concurrent) vote count once.
CREATE TABLE idea_votes (
    idea_id    BIGINT      NOT NULL REFERENCES ideas (topic_id) ON DELETE CASCADE,
    user_id    BIGINT      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (idea_id, user_id)
);
CREATE INDEX idea_votes_user_idx ON idea_votes (user_id, idea_id);
CREATE INDEX idea_votes_recent_idx ON idea_votes (created_at, idea_id);

-- Following without voting (authors follow their own ideas).
CREATE TABLE idea_followers (
    idea_id    BIGINT      NOT NULL REFERENCES ideas (topic_id) ON DELETE CASCADE,
    user_id    BIGINT      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (idea_id, user_id)
);
CREATE INDEX idea_followers_user_idx ON idea_followers (user_id, idea_id);

-- The public history: every status change (and merge) with the product team's note.
CREATE TABLE idea_status_changes (
    id             BIGSERIAL   PRIMARY KEY,
    idea_id        BIGINT      NOT NULL REFERENCES ideas (topic_id) ON DELETE CASCADE,
    actor_id       BIGINT      REFERENCES users (id) ON DELETE SET NULL,
    from_status    TEXT        NOT NULL,
    to_status      TEXT        NOT NULL,
    merged_into_id BIGINT      REFERENCES ideas (topic_id) ON DELETE SET NULL,
    note_md        TEXT        NOT NULL,
    note_html      TEXT        NOT NULL,
    created_at     TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX idea_status_changes_idea_idx ON idea_status_changes (idea_id, id);

-- "Did this solve your problem?": one row per voter of a shipped idea, asked once.
CREATE TABLE idea_surveys (
    idea_id     BIGINT      NOT NULL REFERENCES ideas (topic_id) ON DELETE CASCADE,
    user_id     BIGINT      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    answer      TEXT        CHECK (answer IN ('yes', 'partly', 'no')),
    asked_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    answered_at TIMESTAMPTZ,
    PRIMARY KEY (idea_id, user_id),
    CHECK ((answer IS NULL) = (answered_at IS NULL))
);
