-- Edits are screened like new posts: a member's edit that a rule holds waits here, the post keeps showing its
-- last approved version, and the queue has an item of kind 'edit' for it; approving applies the edit, rejecting
-- drops it. One pending edit per post (a newer one replaces it).
CREATE TABLE post_pending_edits (
    post_id bigint PRIMARY KEY REFERENCES posts (id) ON DELETE CASCADE,
    editor_id bigint NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- A new title (first posts only), or NULL to keep the title.
    title text,
    body_md text NOT NULL,
    body_html text NOT NULL,
    held_reason text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE moderation_queue DROP CONSTRAINT moderation_queue_kind_check,
    ADD CONSTRAINT moderation_queue_kind_check CHECK (kind IN ('held', 'flagged', 'appeal', 'edit'));
