-- Members own their data: an export of everything they did, and deletion of their account after a grace
-- period. Accounts are never removed from `users`: the row stays as a pseudonym ("former member 4821") so that
-- threads, votes and counts stay whole, and every personal column of it is cleared (see `privacy::erase_in`).

ALTER TABLE users
    -- When the member asked to delete the account, and when it will be anonymised (they cancel by logging in).
    ADD COLUMN deletion_requested_at timestamptz,
    ADD COLUMN deletion_due_at timestamptz,
    -- Whether their posts go too (otherwise they stay, under the pseudonym).
    ADD COLUMN deletion_removes_content boolean NOT NULL DEFAULT false,
    -- When the account was anonymised (it can never log in again).
    ADD COLUMN deleted_at timestamptz,
    ADD CONSTRAINT users_deletion_whole CHECK ((deletion_requested_at IS NULL) = (deletion_due_at IS NULL));

-- The worker's list of accounts due for anonymisation.
CREATE INDEX users_deletion_due_idx ON users (deletion_due_at)
    WHERE deletion_due_at IS NOT NULL AND deleted_at IS NULL;

-- Content keeps its author: an account is anonymised, never deleted, so these rules make a hard delete fail
-- loudly (RESTRICT) instead of leaving rows that point nowhere; the last poster of a topic may be forgotten.
ALTER TABLE posts DROP CONSTRAINT posts_author_id_fkey,
    ADD CONSTRAINT posts_author_id_fkey FOREIGN KEY (author_id) REFERENCES users (id) ON DELETE RESTRICT;
ALTER TABLE topics DROP CONSTRAINT topics_author_id_fkey,
    ADD CONSTRAINT topics_author_id_fkey FOREIGN KEY (author_id) REFERENCES users (id) ON DELETE RESTRICT;
ALTER TABLE topics DROP CONSTRAINT topics_last_poster_id_fkey,
    ADD CONSTRAINT topics_last_poster_id_fkey FOREIGN KEY (last_poster_id) REFERENCES users (id) ON DELETE SET NULL;
ALTER TABLE answer_comments DROP CONSTRAINT answer_comments_author_id_fkey,
    ADD CONSTRAINT answer_comments_author_id_fkey FOREIGN KEY (author_id) REFERENCES users (id) ON DELETE RESTRICT;

-- "Download my data": one archive per request, built by a worker, downloadable once by its member until it
-- expires; at most one request a day (checked under a lock of the member's row).
CREATE TABLE data_exports (
    id bigserial PRIMARY KEY,
    user_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    state text NOT NULL DEFAULT 'pending'
        CHECK (state IN ('pending', 'ready', 'downloaded', 'expired', 'failed')),
    requested_at timestamptz NOT NULL DEFAULT now(),
    -- A worker's claim (several instances build exports; a crashed build is taken over after the lease).
    leased_until timestamptz,
    attempts integer NOT NULL DEFAULT 0,
    ready_at timestamptz,
    expires_at timestamptz,
    downloaded_at timestamptz,
    -- The zip archive (removed once downloaded or expired).
    archive bytea,
    bytes integer,
    error text,
    CONSTRAINT data_exports_ready_whole CHECK (state <> 'ready' OR (archive IS NOT NULL AND expires_at IS NOT NULL))
);
CREATE INDEX data_exports_user_idx ON data_exports (user_id, requested_at DESC);
CREATE INDEX data_exports_pending_idx ON data_exports (requested_at) WHERE state = 'pending';
CREATE INDEX data_exports_ready_idx ON data_exports (expires_at) WHERE state = 'ready';

-- Rewrites every string of a JSON document (keys stay): what matches `pattern` (a case-insensitive regular
-- expression) becomes `replacement` — the audit log's, the webhook outbox's and Talking Point's copies of a deleted
-- member's name and address.
CREATE FUNCTION hearth_scrub_jsonb(doc jsonb, pattern text, replacement text) RETURNS jsonb
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    IF doc IS NULL THEN
        RETURN NULL;
    END IF;
    CASE jsonb_typeof(doc)
        WHEN 'object' THEN
            RETURN (SELECT coalesce(jsonb_object_agg(key, hearth_scrub_jsonb(value, pattern, replacement)), '{}'::jsonb)
                    FROM jsonb_each(doc));
        WHEN 'array' THEN
            RETURN (SELECT coalesce(jsonb_agg(hearth_scrub_jsonb(value, pattern, replacement) ORDER BY n), '[]'::jsonb)
                    FROM jsonb_array_elements(doc) WITH ORDINALITY AS e(value, n));
        WHEN 'string' THEN
            RETURN to_jsonb(regexp_replace(doc #>> '{}', pattern, replacement, 'gi'));
        ELSE
            RETURN doc;
    END CASE;
END
$$;

-- The audit log stays append-only, with one exception: erasing a member (inside the transaction that
-- anonymises them, which sets `hearth.erasure`) may rewrite what an entry says (before, after, reason) to remove
-- their name and address; who acted, on what, when and which action stay as they were.
CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND current_setting('hearth.erasure', true) = 'on'
       AND NEW.id = OLD.id AND NEW.actor_id IS NOT DISTINCT FROM OLD.actor_id AND NEW.action = OLD.action
       AND NEW.target_type = OLD.target_type AND NEW.target_id IS NOT DISTINCT FROM OLD.target_id
       AND NEW.created_at = OLD.created_at THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$;
