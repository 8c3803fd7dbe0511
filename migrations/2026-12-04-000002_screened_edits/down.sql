DELETE FROM moderation_queue WHERE kind = 'edit';
ALTER TABLE moderation_queue DROP CONSTRAINT moderation_queue_kind_check,
    ADD CONSTRAINT moderation_queue_kind_check CHECK (kind IN ('held', 'flagged', 'appeal'));
DROP TABLE post_pending_edits;
