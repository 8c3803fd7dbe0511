-- Notification e-mail: every notification row is also the outbox entry of its e-mail (written in the event's own
-- transaction); a worker turns pending rows into mail (now, or into a daily or weekly digest) by the member's
-- preferences, exactly once (row locks, SKIP LOCKED).

ALTER TABLE notifications ADD COLUMN mail_state TEXT NOT NULL DEFAULT 'pending'
    CHECK (mail_state IN ('pending', 'queued', 'digest_daily', 'digest_weekly', 'digested', 'skipped'));
-- What existed before is not mailed now.
UPDATE notifications SET mail_state = 'skipped';
CREATE INDEX notifications_mail_pending_idx ON notifications (id) WHERE mail_state = 'pending';
CREATE INDEX notifications_digest_idx ON notifications (user_id, id) WHERE mail_state IN ('digest_daily', 'digest_weekly');

-- Per member and kind of event: immediately, daily digest, weekly digest or never. No row: the default.
CREATE TABLE notification_preferences (
    user_id    BIGINT      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    topic      TEXT        NOT NULL CHECK (topic IN
        ('replies', 'mentions', 'watching', 'qa', 'ideas', 'events', 'moderation')),
    delivery   TEXT        NOT NULL CHECK (delivery IN ('immediately', 'daily', 'weekly', 'never')),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, topic)
);

-- When each member last got each digest.
CREATE TABLE digest_runs (
    user_id      BIGINT      NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    period       TEXT        NOT NULL CHECK (period IN ('daily', 'weekly')),
    last_sent_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (user_id, period)
);

-- The one-click unsubscribe address of a notification e-mail (List-Unsubscribe, RFC 8058).
ALTER TABLE mail_outbox ADD COLUMN list_unsubscribe TEXT;
