DROP INDEX audit_log_target_idx;
DROP INDEX audit_log_action_idx;
DROP TABLE inbox_items;
DROP TABLE member_sanctions;
DROP TABLE appeals;
DROP TABLE moderation_queue;
DROP TABLE flags;
DROP TABLE moderation_settings;
ALTER TABLE users DROP COLUMN approved_posts;
ALTER TABLE users DROP COLUMN suspension_reason;
ALTER TABLE users DROP COLUMN suspended_until;
ALTER TABLE posts DROP COLUMN sentiment;
ALTER TABLE answer_comments DROP COLUMN held_reason;
UPDATE answer_comments SET status = 'hidden' WHERE status = 'rejected';
ALTER TABLE answer_comments DROP CONSTRAINT answer_comments_status_check;
ALTER TABLE answer_comments ADD CONSTRAINT answer_comments_status_check
    CHECK (status IN ('published', 'pending', 'hidden', 'deleted'));
UPDATE topics SET status = 'hidden' WHERE status = 'rejected';
ALTER TABLE topics DROP CONSTRAINT topics_status_check;
ALTER TABLE topics ADD CONSTRAINT topics_status_check
    CHECK (status IN ('published', 'pending', 'hidden', 'deleted'));
UPDATE posts SET status = 'hidden' WHERE status = 'rejected';
ALTER TABLE posts DROP CONSTRAINT posts_status_check;
ALTER TABLE posts ADD CONSTRAINT posts_status_check
    CHECK (status IN ('published', 'pending', 'hidden', 'deleted'));
