-- The fan club (tiers with thresholds and perks, staff grants, club-only categories by tier, events with
-- limited seats and a waitlist, an opt-in directory) and reputation (points from what others found useful,
-- recomputed off the request path).

-- Tiers: reached by reputation (min_reputation) or granted by staff.
ALTER TABLE club_tiers ADD COLUMN description TEXT NOT NULL DEFAULT '' CHECK (char_length(description) <= 500);
ALTER TABLE club_tiers ADD CONSTRAINT club_tiers_min_reputation_check CHECK (min_reputation >= 0);

CREATE TABLE club_perks (
    id         BIGSERIAL   PRIMARY KEY,
    tier_id    BIGINT      NOT NULL REFERENCES club_tiers (id) ON DELETE CASCADE,
    title      TEXT        NOT NULL CHECK (char_length(title) BETWEEN 2 AND 120),
    body       TEXT        NOT NULL DEFAULT '' CHECK (char_length(body) <= 1000),
    -- a discount code or similar, shown only to members who reached the tier
    code       TEXT        CHECK (char_length(code) <= 80),
    link       TEXT        CHECK (link ~ '^https?://' AND char_length(link) <= 500),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX club_perks_tier_idx ON club_perks (tier_id, id);

-- tier_id is the effective tier: the higher of the granted one and the best one the reputation reaches.
ALTER TABLE club_members
    ADD COLUMN granted_tier_id BIGINT REFERENCES club_tiers (id) ON DELETE SET NULL,
    ADD COLUMN granted_by      BIGINT REFERENCES users (id) ON DELETE SET NULL,
    ADD COLUMN in_directory    BOOLEAN NOT NULL DEFAULT false;
CREATE INDEX club_members_directory_idx ON club_members (joined_at, user_id) WHERE in_directory;

-- A club-only category may be open only from a tier up.
ALTER TABLE categories ADD COLUMN min_tier_id BIGINT REFERENCES club_tiers (id) ON DELETE SET NULL;

CREATE TABLE events (
    id               BIGSERIAL   PRIMARY KEY,
    title            TEXT        NOT NULL CHECK (char_length(title) BETWEEN 3 AND 150),
    description_md   TEXT        NOT NULL DEFAULT '',
    description_html TEXT        NOT NULL DEFAULT '',
    place            TEXT        NOT NULL DEFAULT '' CHECK (char_length(place) <= 200),
    link             TEXT        CHECK (link ~ '^https?://' AND char_length(link) <= 500),
    starts_at        TIMESTAMPTZ NOT NULL,
    ends_at          TIMESTAMPTZ NOT NULL,
    capacity         INTEGER     NOT NULL CHECK (capacity BETWEEN 1 AND 100000),
    -- who may RSVP at all (NULL: any club member)
    min_tier_id      BIGINT      REFERENCES club_tiers (id) ON DELETE SET NULL,
    -- until early_until only members of early_tier_id's rank or higher may RSVP (no window unless both are set)
    early_tier_id    BIGINT      REFERENCES club_tiers (id) ON DELETE SET NULL,
    early_until      TIMESTAMPTZ,
    going_count      INTEGER     NOT NULL DEFAULT 0,
    waitlist_count   INTEGER     NOT NULL DEFAULT 0 CHECK (waitlist_count >= 0),
    created_by       BIGINT      REFERENCES users (id) ON DELETE SET NULL,
    created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    CHECK (ends_at > starts_at),
    -- never more going than seats
    CHECK (going_count BETWEEN 0 AND capacity)
);
CREATE INDEX events_starts_idx ON events (starts_at, id);

-- Arrival order for the waitlist: a number drawn under the event's row lock.
CREATE SEQUENCE event_rsvp_queue;

CREATE TABLE event_rsvps (
    event_id   BIGINT      NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    user_id    BIGINT      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    status     TEXT        NOT NULL CHECK (status IN ('going', 'waitlisted')),
    queue_no   BIGINT      NOT NULL DEFAULT nextval('event_rsvp_queue'),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (event_id, user_id)
);
CREATE INDEX event_rsvps_queue_idx ON event_rsvps (event_id, status, queue_no);
CREATE INDEX event_rsvps_user_idx ON event_rsvps (user_id, event_id);

-- Reputation: one row per member who has any, with the breakdown shown on profiles.
CREATE TABLE member_reputation (
    user_id         BIGINT      PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    points          INTEGER     NOT NULL DEFAULT 0,
    accepted_points INTEGER     NOT NULL DEFAULT 0,
    vote_points     INTEGER     NOT NULL DEFAULT 0,
    reply_points    INTEGER     NOT NULL DEFAULT 0,
    idea_points     INTEGER     NOT NULL DEFAULT 0,
    askers_helped   INTEGER     NOT NULL DEFAULT 0,
    voters          INTEGER     NOT NULL DEFAULT 0,
    repliers        INTEGER     NOT NULL DEFAULT 0,
    ideas_adopted   INTEGER     NOT NULL DEFAULT 0,
    ideas_shipped   INTEGER     NOT NULL DEFAULT 0,
    computed_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    created_at      TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX member_reputation_points_idx ON member_reputation (points DESC, user_id);

-- Members whose reputation inputs changed; the reputation worker takes them in batches of at most 1,000.
-- Marked by the triggers below, inside the transaction of the change, so no write path can forget it.
CREATE TABLE reputation_dirty (
    user_id    BIGINT      PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    marked_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX reputation_dirty_marked_idx ON reputation_dirty (marked_at, user_id);

-- The inputs' lookups the recompute needs.
CREATE INDEX questions_accepted_post_idx ON questions (accepted_post_id) WHERE accepted_post_id IS NOT NULL;

-- DO UPDATE (not DO NOTHING) locks an existing mark until the change commits, so the worker (SKIP LOCKED) cannot
-- take the mark away and recompute before the change is visible.
CREATE FUNCTION reputation_mark(member BIGINT) RETURNS void LANGUAGE sql AS $$
    INSERT INTO reputation_dirty (user_id) SELECT member WHERE member IS NOT NULL
    ON CONFLICT (user_id) DO UPDATE SET marked_at = now();
$$;

-- An answer's votes change its author's reputation.
CREATE FUNCTION reputation_on_answer_vote() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM reputation_mark(p.author_id) FROM posts p
     WHERE p.id = CASE WHEN TG_OP = 'DELETE' THEN OLD.post_id ELSE NEW.post_id END;
    RETURN NULL;
END $$;
CREATE TRIGGER answer_votes_reputation AFTER INSERT OR UPDATE OR DELETE ON answer_votes
    FOR EACH ROW EXECUTE FUNCTION reputation_on_answer_vote();

-- Accepting (or un-accepting) an answer changes its author's reputation.
CREATE FUNCTION reputation_on_accept() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.accepted_post_id IS DISTINCT FROM OLD.accepted_post_id THEN
        PERFORM reputation_mark(p.author_id) FROM posts p WHERE p.id IN (OLD.accepted_post_id, NEW.accepted_post_id);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER questions_reputation AFTER UPDATE ON questions
    FOR EACH ROW EXECUTE FUNCTION reputation_on_accept();

-- A reply changes the topic author's reputation; hiding or deleting a post changes its author's and the
-- topic author's.
CREATE FUNCTION reputation_on_post() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.post_number > 1 THEN
            PERFORM reputation_mark(t.author_id) FROM topics t WHERE t.id = NEW.topic_id AND t.author_id <> NEW.author_id;
        END IF;
    ELSIF NEW.status IS DISTINCT FROM OLD.status THEN
        PERFORM reputation_mark(NEW.author_id);
        PERFORM reputation_mark(t.author_id) FROM topics t WHERE t.id = NEW.topic_id;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER posts_reputation AFTER INSERT OR UPDATE OF status ON posts
    FOR EACH ROW EXECUTE FUNCTION reputation_on_post();

-- An idea's votes and status change its author's reputation.
CREATE FUNCTION reputation_on_idea_vote() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM reputation_mark(t.author_id) FROM topics t
     WHERE t.id = CASE WHEN TG_OP = 'DELETE' THEN OLD.idea_id ELSE NEW.idea_id END;
    RETURN NULL;
END $$;
CREATE TRIGGER idea_votes_reputation AFTER INSERT OR DELETE ON idea_votes
    FOR EACH ROW EXECUTE FUNCTION reputation_on_idea_vote();

CREATE FUNCTION reputation_on_idea_status() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.status IS DISTINCT FROM OLD.status THEN
        PERFORM reputation_mark(t.author_id) FROM topics t WHERE t.id = NEW.topic_id;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER ideas_reputation AFTER UPDATE OF status ON ideas
    FOR EACH ROW EXECUTE FUNCTION reputation_on_idea_status();
