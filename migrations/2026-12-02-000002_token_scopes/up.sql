-- Personal API tokens get scopes and an optional expiry. Tokens made before could do everything their owner
-- could; they keep every scope (still never more than the owner's roles), until revoked.
ALTER TABLE api_tokens ADD COLUMN scopes TEXT[] NOT NULL DEFAULT ARRAY['read']::text[];
ALTER TABLE api_tokens ADD COLUMN expires_at TIMESTAMPTZ;
UPDATE api_tokens SET scopes = ARRAY['read', 'write', 'staff', 'moderation', 'product', 'admin', 'mentions'];
ALTER TABLE api_tokens ADD CONSTRAINT api_tokens_scopes_check CHECK (
    cardinality(scopes) > 0
    AND scopes <@ ARRAY['read', 'write', 'staff', 'moderation', 'product', 'admin', 'mentions']::text[]);
