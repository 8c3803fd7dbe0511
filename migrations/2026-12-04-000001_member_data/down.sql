CREATE OR REPLACE FUNCTION audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$;
DROP FUNCTION hearth_scrub_jsonb(jsonb, text, text);
DROP TABLE data_exports;
ALTER TABLE answer_comments DROP CONSTRAINT answer_comments_author_id_fkey,
    ADD CONSTRAINT answer_comments_author_id_fkey FOREIGN KEY (author_id) REFERENCES users (id);
ALTER TABLE topics DROP CONSTRAINT topics_last_poster_id_fkey,
    ADD CONSTRAINT topics_last_poster_id_fkey FOREIGN KEY (last_poster_id) REFERENCES users (id);
ALTER TABLE topics DROP CONSTRAINT topics_author_id_fkey,
    ADD CONSTRAINT topics_author_id_fkey FOREIGN KEY (author_id) REFERENCES users (id);
ALTER TABLE posts DROP CONSTRAINT posts_author_id_fkey,
    ADD CONSTRAINT posts_author_id_fkey FOREIGN KEY (author_id) REFERENCES users (id);
DROP INDEX users_deletion_due_idx;
ALTER TABLE users DROP CONSTRAINT users_deletion_whole, DROP COLUMN deleted_at, DROP COLUMN deletion_removes_content,
    DROP COLUMN deletion_due_at, DROP COLUMN deletion_requested_at;
