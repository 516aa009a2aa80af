-- Imports are de-duplicated by content: the SHA-256 of the file's bytes, as stored in the
-- library. Items stored before this have none (NULL), which the unique index allows.
ALTER TABLE media ADD COLUMN content_hash TEXT;
CREATE UNIQUE INDEX media_content_hash_idx ON media (content_hash) WHERE content_hash IS NOT NULL;
