-- Collections: named sets of images the user puts together. A manual collection lists its
-- images in `collection_media`; a smart collection stores the filter it was saved from
-- (`smart_filter`, JSON) and lists nothing, since its images are whatever matches now.
-- Deleting a collection never deletes an image. Names are unique ignoring case, as keywords.
CREATE TABLE collections (
    id INTEGER PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    folded TEXT NOT NULL UNIQUE,
    smart_filter TEXT,
    n BIGINT NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);

-- One row per manual collection and image, carrying the image's sort keys and status (kept
-- by a trigger on media), so a collection's view pages along its own index in every order,
-- the same shape as media_keywords.
CREATE TABLE collection_media (
    collection_id INTEGER NOT NULL REFERENCES collections (id) ON DELETE CASCADE,
    media_id TEXT NOT NULL REFERENCES media (id) ON DELETE CASCADE,
    rating INTEGER NOT NULL,
    status TEXT,
    created_at TEXT NOT NULL,
    PRIMARY KEY (collection_id, media_id)
) WITHOUT ROWID;
CREATE INDEX collection_media_media_idx ON collection_media (media_id, collection_id);
CREATE INDEX collection_media_created_idx ON collection_media (collection_id, created_at, media_id, rating, status);
CREATE INDEX collection_media_rating_idx ON collection_media (collection_id, rating, created_at, media_id, status);

CREATE TRIGGER collection_media_count_insert AFTER INSERT ON collection_media BEGIN
    UPDATE collections SET n = n + 1 WHERE id = new.collection_id;
END;

CREATE TRIGGER collection_media_count_delete AFTER DELETE ON collection_media BEGIN
    UPDATE collections SET n = n - 1 WHERE id = old.collection_id;
END;

CREATE TRIGGER collection_media_follow_media AFTER UPDATE OF rating, status, created_at ON media BEGIN
    UPDATE collection_media
    SET rating = new.rating, status = new.status, created_at = new.created_at
    WHERE media_id = new.id;
END;
