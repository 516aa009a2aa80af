-- Counts of each keyword's and each manual collection's images per rating and status, kept
-- by triggers like media_counts: a keyword or collection view narrowed by rating or status
-- ("harbour, 3 stars and up") is counted by summing at most 18 rows instead of walking its
-- images (17 ms for 300,000 at 1M items; benches/organise.rs). `status` is '' for unmarked.
CREATE TABLE member_counts (
    kind TEXT NOT NULL,
    owner INTEGER NOT NULL,
    rating INTEGER NOT NULL,
    status TEXT NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (kind, owner, rating, status)
) WITHOUT ROWID;

INSERT INTO member_counts (kind, owner, rating, status, n)
    SELECT 'keyword', keyword_id, rating, COALESCE(status, ''), count(*) FROM media_keywords GROUP BY 2, 3, 4;

CREATE TRIGGER member_counts_keyword_insert AFTER INSERT ON media_keywords
BEGIN
    INSERT INTO member_counts (kind, owner, rating, status, n)
        VALUES ('keyword', NEW.keyword_id, NEW.rating, COALESCE(NEW.status, ''), 1)
        ON CONFLICT (kind, owner, rating, status) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER member_counts_keyword_delete AFTER DELETE ON media_keywords
BEGIN
    UPDATE member_counts SET n = n - 1
    WHERE kind = 'keyword' AND owner = OLD.keyword_id AND rating = OLD.rating AND status = COALESCE(OLD.status, '');
END;

CREATE TRIGGER member_counts_keyword_update AFTER UPDATE OF rating, status ON media_keywords
    WHEN OLD.rating IS NOT NEW.rating OR OLD.status IS NOT NEW.status
BEGIN
    UPDATE member_counts SET n = n - 1
    WHERE kind = 'keyword' AND owner = OLD.keyword_id AND rating = OLD.rating AND status = COALESCE(OLD.status, '');
    INSERT INTO member_counts (kind, owner, rating, status, n)
        VALUES ('keyword', NEW.keyword_id, NEW.rating, COALESCE(NEW.status, ''), 1)
        ON CONFLICT (kind, owner, rating, status) DO UPDATE SET n = n + 1;
END;

INSERT INTO member_counts (kind, owner, rating, status, n)
    SELECT 'collection', collection_id, rating, COALESCE(status, ''), count(*) FROM collection_media GROUP BY 2, 3, 4;

CREATE TRIGGER member_counts_collection_insert AFTER INSERT ON collection_media
BEGIN
    INSERT INTO member_counts (kind, owner, rating, status, n)
        VALUES ('collection', NEW.collection_id, NEW.rating, COALESCE(NEW.status, ''), 1)
        ON CONFLICT (kind, owner, rating, status) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER member_counts_collection_delete AFTER DELETE ON collection_media
BEGIN
    UPDATE member_counts SET n = n - 1
    WHERE kind = 'collection' AND owner = OLD.collection_id AND rating = OLD.rating AND status = COALESCE(OLD.status, '');
END;

CREATE TRIGGER member_counts_collection_update AFTER UPDATE OF rating, status ON collection_media
    WHEN OLD.rating IS NOT NEW.rating OR OLD.status IS NOT NEW.status
BEGIN
    UPDATE member_counts SET n = n - 1
    WHERE kind = 'collection' AND owner = OLD.collection_id AND rating = OLD.rating AND status = COALESCE(OLD.status, '');
    INSERT INTO member_counts (kind, owner, rating, status, n)
        VALUES ('collection', NEW.collection_id, NEW.rating, COALESCE(NEW.status, ''), 1)
        ON CONFLICT (kind, owner, rating, status) DO UPDATE SET n = n + 1;
END;

-- A deleted keyword or collection takes its counts with it.
CREATE TRIGGER member_counts_keyword_gone AFTER DELETE ON keywords
BEGIN
    DELETE FROM member_counts WHERE kind = 'keyword' AND owner = OLD.id;
END;

CREATE TRIGGER member_counts_collection_gone AFTER DELETE ON collections
BEGIN
    DELETE FROM member_counts WHERE kind = 'collection' AND owner = OLD.id;
END;
