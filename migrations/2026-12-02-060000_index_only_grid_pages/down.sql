DROP INDEX media_created_idx;
DROP INDEX media_rating_created_idx;
CREATE INDEX media_created_idx ON media (created_at, id, rating);
CREATE INDEX media_rating_created_idx ON media (rating, created_at, id);
