-- Insights: daily rollups that every report reads, the daily page views they count, and the club's joins and
-- leaves as events (leaving deletes the membership row, so nothing else remembers it).

-- One row per day, metric and slice. category_id 0 / product_id 0 mean "all": a report filtered by a category,
-- a product or both reads exactly one row per day and metric. `value` is a count (or a day's level, for levels
-- such as the queue's size); `samples` holds the durations in seconds behind a percentile metric (first answers,
-- staff responses, decisions), so that the percentiles of any period are exact: the samples of its days combine.
CREATE TABLE insight_days (
    metric      TEXT    NOT NULL,
    category_id BIGINT  NOT NULL DEFAULT 0,
    product_id  BIGINT  NOT NULL DEFAULT 0,
    day         DATE    NOT NULL,
    value       BIGINT  NOT NULL DEFAULT 0,
    samples     INTEGER[] NOT NULL DEFAULT '{}',
    PRIMARY KEY (metric, category_id, product_id, day)
);
CREATE INDEX insight_days_day_idx ON insight_days (day);

-- When each day was last rolled up: a day counts as closed once rolled up after it ended.
CREATE TABLE insight_computed (
    day         DATE        PRIMARY KEY,
    computed_at TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- The worker's bookmark: events after it may change the cohorts of earlier days (a late first answer, an idea
-- that moved on, a staff reply to a detractor, an RSVP).
CREATE TABLE insight_state (
    id         SMALLINT    PRIMARY KEY CHECK (id = 1),
    checked_at TIMESTAMPTZ NOT NULL
);

-- Views of topic, question and idea pages per day and category, added by the view-count flush (views are
-- counted in Redis first; losing Redis loses one flush window of them).
CREATE TABLE page_views_daily (
    day         DATE   NOT NULL,
    category_id BIGINT NOT NULL,
    views       BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (day, category_id)
);

-- Joins and leaves of the fan club, written by triggers whatever path changes the membership.
CREATE TABLE club_membership_events (
    id       BIGSERIAL   PRIMARY KEY,
    user_id  BIGINT      NOT NULL,
    kind     TEXT        NOT NULL CHECK (kind IN ('join', 'leave')),
    at       TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX club_membership_events_at_idx ON club_membership_events (at);

INSERT INTO club_membership_events (user_id, kind, at)
SELECT user_id, 'join', joined_at FROM club_members;

CREATE FUNCTION club_membership_event() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO club_membership_events (user_id, kind, at) VALUES (NEW.user_id, 'join', NEW.joined_at);
    ELSE
        INSERT INTO club_membership_events (user_id, kind, at) VALUES (OLD.user_id, 'leave', now());
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER club_members_join AFTER INSERT ON club_members FOR EACH ROW EXECUTE FUNCTION club_membership_event();
CREATE TRIGGER club_members_leave AFTER DELETE ON club_members FOR EACH ROW EXECUTE FUNCTION club_membership_event();

-- The rollups read raw rows by day.
-- Active members: who posted or voted on a day, read from the indexes alone.
CREATE INDEX posts_created_idx ON posts (created_at) INCLUDE (author_id);
CREATE INDEX idea_votes_created_user_idx ON idea_votes (created_at) INCLUDE (user_id);
CREATE INDEX topics_created_idx ON topics (created_at);
CREATE INDEX users_created_idx ON users (created_at);
CREATE INDEX questions_first_answer_idx ON questions (first_answer_at) WHERE first_answer_at IS NOT NULL;
CREATE INDEX questions_accepted_at_idx ON questions (accepted_at) WHERE accepted_at IS NOT NULL;
CREATE INDEX idea_status_changes_created_idx ON idea_status_changes (created_at);
CREATE INDEX idea_surveys_answered_idx ON idea_surveys (answered_at) WHERE answered_at IS NOT NULL;
CREATE INDEX flags_created_idx ON flags (created_at);
CREATE INDEX moderation_queue_created_idx ON moderation_queue (created_at);
CREATE INDEX moderation_queue_resolved_idx ON moderation_queue (resolved_at) WHERE resolved_at IS NOT NULL;
CREATE INDEX inbox_items_created_idx ON inbox_items (created_at);
CREATE INDEX inbox_items_first_response_idx ON inbox_items (first_response_at) WHERE first_response_at IS NOT NULL;
CREATE INDEX event_rsvps_updated_idx ON event_rsvps (updated_at);
CREATE INDEX answer_votes_created_idx ON answer_votes (created_at);
