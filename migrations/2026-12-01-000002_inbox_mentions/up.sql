-- The staff inbox also holds clearly negative mentions from outside the community (detractors too): an item is
-- about a post of a topic, or about a mention.
ALTER TABLE inbox_items ALTER COLUMN topic_id DROP NOT NULL;
ALTER TABLE inbox_items ALTER COLUMN post_id DROP NOT NULL;
ALTER TABLE inbox_items ADD COLUMN mention_id BIGINT REFERENCES mentions (id) ON DELETE CASCADE;
ALTER TABLE inbox_items ADD CONSTRAINT inbox_items_mention_key UNIQUE (mention_id);
ALTER TABLE inbox_items ADD CONSTRAINT inbox_items_subject_check CHECK (
    (mention_id IS NULL AND topic_id IS NOT NULL AND post_id IS NOT NULL)
    OR (mention_id IS NOT NULL AND topic_id IS NULL AND post_id IS NULL AND kind = 'detractor'));
