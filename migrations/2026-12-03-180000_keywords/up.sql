-- Keywords: the library's vocabulary (kept when no image has a keyword any more, so it is
-- still offered while typing) and which images carry which. A keyword is unique by its
-- case-folded name; `name` keeps the spelling it was first written with. `n` counts its
-- images, kept by triggers, so the keyword list with counts reads one row per keyword.
CREATE TABLE keywords (
    id INTEGER PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    folded TEXT NOT NULL UNIQUE,
    n BIGINT NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL
);

-- One row per image and keyword, carrying the image's sort keys and status (kept by a
-- trigger on media) so that a keyword's view pages along its own index in every order,
-- reading only its images, like the whole library's view does along media's indexes.
CREATE TABLE media_keywords (
    keyword_id INTEGER NOT NULL REFERENCES keywords (id) ON DELETE CASCADE,
    media_id TEXT NOT NULL REFERENCES media (id) ON DELETE CASCADE,
    rating INTEGER NOT NULL,
    status TEXT,
    created_at TEXT NOT NULL,
    PRIMARY KEY (keyword_id, media_id)
) WITHOUT ROWID;
CREATE INDEX media_keywords_media_idx ON media_keywords (media_id, keyword_id);
CREATE INDEX media_keywords_created_idx ON media_keywords (keyword_id, created_at, media_id, rating, status);
CREATE INDEX media_keywords_rating_idx ON media_keywords (keyword_id, rating, created_at, media_id, status);

CREATE TRIGGER media_keywords_count_insert AFTER INSERT ON media_keywords BEGIN
    UPDATE keywords SET n = n + 1 WHERE id = new.keyword_id;
END;

CREATE TRIGGER media_keywords_count_delete AFTER DELETE ON media_keywords BEGIN
    UPDATE keywords SET n = n - 1 WHERE id = old.keyword_id;
END;

CREATE TRIGGER media_keywords_follow_media AFTER UPDATE OF rating, status, created_at ON media BEGIN
    UPDATE media_keywords
    SET rating = new.rating, status = new.status, created_at = new.created_at
    WHERE media_id = new.id;
END;

-- Prompt search finds keywords too: the index gains a column holding each image's keywords.
-- FTS5 tables cannot gain a column, so the index is built again (the triggers on media and
-- generations name it at run time and carry on).
DROP TABLE media_search;
CREATE VIRTUAL TABLE media_search USING fts5(
    prompt,
    file_name,
    keywords,
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '1 2 3'
);
INSERT INTO media_search (rowid, prompt, file_name)
    SELECT m.rowid, g.prompt, m.file_name
    FROM media m LEFT JOIN generations g ON g.id = m.generation_id;

CREATE TRIGGER media_search_keyword_added AFTER INSERT ON media_keywords BEGIN
    UPDATE media_search
    SET keywords = (
        SELECT group_concat(k.name, ' ')
        FROM media_keywords mk JOIN keywords k ON k.id = mk.keyword_id
        WHERE mk.media_id = new.media_id
    )
    WHERE rowid = (SELECT rowid FROM media WHERE id = new.media_id);
END;

CREATE TRIGGER media_search_keyword_removed AFTER DELETE ON media_keywords BEGIN
    UPDATE media_search
    SET keywords = (
        SELECT group_concat(k.name, ' ')
        FROM media_keywords mk JOIN keywords k ON k.id = mk.keyword_id
        WHERE mk.media_id = old.media_id
    )
    WHERE rowid = (SELECT rowid FROM media WHERE id = old.media_id);
END;

CREATE TRIGGER media_search_keyword_renamed AFTER UPDATE OF name ON keywords BEGIN
    UPDATE media_search
    SET keywords = (
        SELECT group_concat(k.name, ' ')
        FROM media_keywords mk JOIN keywords k ON k.id = mk.keyword_id
        WHERE mk.media_id = (SELECT id FROM media WHERE rowid = media_search.rowid)
    )
    WHERE rowid IN (
        SELECT m.rowid FROM media_keywords mk JOIN media m ON m.id = mk.media_id
        WHERE mk.keyword_id = new.id
    );
END;
