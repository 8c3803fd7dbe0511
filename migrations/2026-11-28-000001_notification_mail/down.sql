ALTER TABLE mail_outbox DROP COLUMN list_unsubscribe;
DROP TABLE digest_runs;
DROP TABLE notification_preferences;
DROP INDEX notifications_digest_idx;
DROP INDEX notifications_mail_pending_idx;
ALTER TABLE notifications DROP COLUMN mail_state;
