-- Talking Point: what customers are talking about now, counted into hourly buckets when content is published
-- (never by scanning posts at read time), ranked by a worker, read from a snapshot.

-- Commentary from outside the community (social listening tools, review sites, the support desk).
CREATE TABLE mentions (
    id            BIGSERIAL   PRIMARY KEY,
    source        TEXT        NOT NULL CHECK (source ~ '^[a-z0-9][a-z0-9_-]{0,29}$'),
    external_id   TEXT        NOT NULL CHECK (char_length(external_id) BETWEEN 1 AND 200),
    url           TEXT        NOT NULL CHECK (url ~ '^https?://' AND char_length(url) <= 2000),
    author_handle TEXT        NOT NULL CHECK (char_length(author_handle) BETWEEN 1 AND 100),
    body          TEXT        NOT NULL CHECK (char_length(body) BETWEEN 1 AND 5000),
    posted_at     TIMESTAMPTZ NOT NULL,
    sentiment     REAL        NOT NULL CHECK (sentiment BETWEEN -1 AND 1),
    -- published: shown and counted; pending: held by a moderation rule; hidden: by staff
    status        TEXT        NOT NULL DEFAULT 'published' CHECK (status IN ('published', 'pending', 'hidden')),
    held_reason   TEXT,
    created_by    BIGINT      REFERENCES users (id) ON DELETE SET NULL,
    created_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at    TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT mentions_source_external_key UNIQUE (source, external_id)
);
CREATE INDEX mentions_latest_idx ON mentions (posted_at DESC, id DESC);
CREATE INDEX mentions_source_latest_idx ON mentions (source, posted_at DESC, id DESC);

-- What must be (re)counted. Triggers append a row whenever a post or mention may have changed what it
-- contributes (published, held, hidden, edited, moved, its topic or category changed, deleted); a worker drains
-- it with SKIP LOCKED. Append-only, so that a publishing transaction never waits for the worker.
CREATE TABLE talk_queue (
    id          BIGSERIAL   PRIMARY KEY,
    source_type TEXT        NOT NULL CHECK (source_type IN ('post', 'mention')),
    source_id   BIGINT      NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- What each post or mention contributes to the buckets now: hiding it subtracts exactly this.
CREATE TABLE talk_sources (
    source_type TEXT        NOT NULL CHECK (source_type IN ('post', 'mention')),
    source_id   BIGINT      NOT NULL,
    hour        TIMESTAMPTZ NOT NULL,
    -- VADER compound: positive (>= 0.05) 1, negative (<= -0.05) -1, else 0
    mood        SMALLINT    NOT NULL CHECK (mood IN (-1, 0, 1)),
    terms       TEXT[]      NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (source_type, source_id)
);
CREATE INDEX talk_sources_terms_idx ON talk_sources USING GIN (terms);
CREATE INDEX talk_sources_hour_idx ON talk_sources (hour DESC);

-- Mentions of a term (word, two-word phrase or `product:<slug>`) per hour, and how many read positive/negative.
CREATE TABLE talk_buckets (
    term       TEXT        NOT NULL,
    hour       TIMESTAMPTZ NOT NULL,
    -- (no CHECK >= 0: an upsert that subtracts is checked as an insert first; emptied rows are deleted)
    mentions   INTEGER     NOT NULL DEFAULT 0,
    positive   INTEGER     NOT NULL DEFAULT 0,
    negative   INTEGER     NOT NULL DEFAULT 0,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (term, hour)
);
CREATE INDEX talk_buckets_hour_idx ON talk_buckets (hour, term);

-- Staff decisions about themes: a pinned public note, or hidden.
CREATE TABLE talk_theme_settings (
    term        TEXT        PRIMARY KEY CHECK (char_length(term) BETWEEN 1 AND 80),
    pinned_note TEXT        CHECK (char_length(pinned_note) <= 280),
    pinned_at   TIMESTAMPTZ,
    hidden      BOOLEAN     NOT NULL DEFAULT false,
    updated_by  BIGINT      REFERENCES users (id) ON DELETE SET NULL,
    updated_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- Words that never make a theme (editable by staff): conversation filler and the brand's own name.
CREATE TABLE talk_ignored_terms (
    term       TEXT        PRIMARY KEY CHECK (term ~ '^[a-z0-9][a-z0-9 .''-]{0,59}$'),
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
INSERT INTO talk_ignored_terms (term)
SELECT unnest(ARRAY[
    'anybody', 'anyone', 'experience', 'thanks', 'thank', 'please', 'help', 'question', 'questions', 'answer',
    'hello', 'everyone', 'really', 'just', 'also', 'still', 'know', 'think', 'like', 'want', 'need', 'got', 'get',
    'use', 'using', 'used', 'one', 'two', 'time', 'way', 'thing', 'things', 'lot', 'good', 'great', 'well',
    'much', 'many', 'make', 'made', 'see', 'look', 'looking', 'day', 'days', 'week', 'year', 'today', 'new',
    'post', 'posts', 'topic', 'reply', 'idea', 'ideas', 'community', 'forum', 'hours', 'minutes', 'work', 'works'
]);
INSERT INTO talk_ignored_terms (term)
SELECT DISTINCT w FROM site_settings, regexp_split_to_table(lower(name), '[^a-z0-9]+') AS w
WHERE char_length(w) >= 3
ON CONFLICT DO NOTHING;
INSERT INTO talk_ignored_terms (term)
SELECT lower(regexp_replace(name, '[^A-Za-z0-9]+', ' ', 'g')) FROM site_settings
WHERE lower(regexp_replace(name, '[^A-Za-z0-9]+', ' ', 'g')) ~ '^[a-z0-9][a-z0-9 ]{0,59}$'
ON CONFLICT DO NOTHING;

-- The page as the ranking worker last computed it (one row).
CREATE TABLE talk_snapshot (
    id          SMALLINT    PRIMARY KEY CHECK (id = 1),
    payload     JSONB       NOT NULL,
    computed_at TIMESTAMPTZ NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE FUNCTION talk_enqueue_post() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        INSERT INTO talk_queue (source_type, source_id) VALUES ('post', OLD.id);
    ELSE
        INSERT INTO talk_queue (source_type, source_id) VALUES ('post', NEW.id);
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER posts_talk_insert AFTER INSERT ON posts FOR EACH ROW EXECUTE FUNCTION talk_enqueue_post();
CREATE TRIGGER posts_talk_update AFTER UPDATE ON posts FOR EACH ROW
    WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.body_md IS DISTINCT FROM NEW.body_md
          OR OLD.topic_id IS DISTINCT FROM NEW.topic_id)
    EXECUTE FUNCTION talk_enqueue_post();
CREATE TRIGGER posts_talk_delete AFTER DELETE ON posts FOR EACH ROW EXECUTE FUNCTION talk_enqueue_post();

-- A topic published, held, hidden or moved counts (or stops counting) all its posts; a new title, its first.
CREATE FUNCTION talk_enqueue_topic() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO talk_queue (source_type, source_id)
    SELECT 'post', p.id FROM posts p
    WHERE p.topic_id = NEW.id
      AND (OLD.status IS DISTINCT FROM NEW.status OR OLD.category_id IS DISTINCT FROM NEW.category_id
           OR p.post_number = 1);
    RETURN NULL;
END $$;
CREATE TRIGGER topics_talk_update AFTER UPDATE ON topics FOR EACH ROW
    WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.category_id IS DISTINCT FROM NEW.category_id
          OR OLD.title IS DISTINCT FROM NEW.title)
    EXECUTE FUNCTION talk_enqueue_topic();

-- A category that becomes (or stops being) public recounts its posts.
CREATE FUNCTION talk_enqueue_category() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO talk_queue (source_type, source_id)
    SELECT 'post', p.id FROM posts p JOIN topics t ON t.id = p.topic_id WHERE t.category_id = NEW.id;
    RETURN NULL;
END $$;
CREATE TRIGGER categories_talk_update AFTER UPDATE ON categories FOR EACH ROW
    WHEN (OLD.visibility IS DISTINCT FROM NEW.visibility)
    EXECUTE FUNCTION talk_enqueue_category();

CREATE FUNCTION talk_enqueue_mention() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO talk_queue (source_type, source_id) VALUES ('mention', NEW.id);
    RETURN NULL;
END $$;
CREATE TRIGGER mentions_talk_insert AFTER INSERT ON mentions FOR EACH ROW EXECUTE FUNCTION talk_enqueue_mention();
CREATE TRIGGER mentions_talk_update AFTER UPDATE ON mentions FOR EACH ROW
    WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.body IS DISTINCT FROM NEW.body)
    EXECUTE FUNCTION talk_enqueue_mention();
