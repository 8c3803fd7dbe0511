DELETE FROM inbox_items WHERE mention_id IS NOT NULL;
ALTER TABLE inbox_items DROP CONSTRAINT inbox_items_subject_check;
ALTER TABLE inbox_items DROP CONSTRAINT inbox_items_mention_key;
ALTER TABLE inbox_items DROP COLUMN mention_id;
ALTER TABLE inbox_items ALTER COLUMN post_id SET NOT NULL;
ALTER TABLE inbox_items ALTER COLUMN topic_id SET NOT NULL;
