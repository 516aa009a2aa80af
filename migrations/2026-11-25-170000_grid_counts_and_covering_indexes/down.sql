DROP TRIGGER media_counts_after_update;
DROP TRIGGER media_counts_after_delete;
DROP TRIGGER media_counts_after_insert;
DROP TABLE media_counts;
DROP INDEX media_status_created_idx;
DROP INDEX media_created_idx;
CREATE INDEX media_created_idx ON media (created_at, id);
CREATE INDEX media_status_created_idx ON media (status, created_at, id);
