DROP INDEX media_content_hash_idx;
ALTER TABLE media DROP COLUMN content_hash;
