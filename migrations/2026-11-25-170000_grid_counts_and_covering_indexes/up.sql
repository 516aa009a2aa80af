-- The grid's date-ordered indexes carry the rating, so a "N stars and up" filter is tested
-- in the index and only matching rows are read from the table (a 100k library: the slowest
-- filtered page fell from ~9 ms to ~1-2 ms).
DROP INDEX media_created_idx;
DROP INDEX media_status_created_idx;
CREATE INDEX media_created_idx ON media (created_at, id, rating);
CREATE INDEX media_status_created_idx ON media (status, created_at, id, rating);

-- How many items have each rating and status, kept by triggers, so the count bar's
-- "342 of 10,000 images" is a sum over at most 18 rows instead of a scan of the library.
-- `status` is '' for no status.
CREATE TABLE media_counts (
    rating INTEGER NOT NULL,
    status TEXT NOT NULL,
    n      BIGINT NOT NULL,
    PRIMARY KEY (rating, status)
) WITHOUT ROWID;

INSERT INTO media_counts (rating, status, n)
    SELECT rating, COALESCE(status, ''), count(*) FROM media GROUP BY 1, 2;

CREATE TRIGGER media_counts_after_insert AFTER INSERT ON media
BEGIN
    INSERT INTO media_counts (rating, status, n) VALUES (NEW.rating, COALESCE(NEW.status, ''), 1)
        ON CONFLICT (rating, status) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER media_counts_after_delete AFTER DELETE ON media
BEGIN
    UPDATE media_counts SET n = n - 1 WHERE rating = OLD.rating AND status = COALESCE(OLD.status, '');
END;

CREATE TRIGGER media_counts_after_update AFTER UPDATE OF rating, status ON media
    WHEN OLD.rating IS NOT NEW.rating OR OLD.status IS NOT NEW.status
BEGIN
    UPDATE media_counts SET n = n - 1 WHERE rating = OLD.rating AND status = COALESCE(OLD.status, '');
    INSERT INTO media_counts (rating, status, n) VALUES (NEW.rating, COALESCE(NEW.status, ''), 1)
        ON CONFLICT (rating, status) DO UPDATE SET n = n + 1;
END;
