DROP TRIGGER media_search_keyword_renamed;
DROP TRIGGER media_search_keyword_removed;
DROP TRIGGER media_search_keyword_added;
DROP TABLE media_search;
CREATE VIRTUAL TABLE media_search USING fts5(
    prompt,
    file_name,
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '1 2 3'
);
INSERT INTO media_search (rowid, prompt, file_name)
    SELECT m.rowid, g.prompt, m.file_name
    FROM media m LEFT JOIN generations g ON g.id = m.generation_id;
DROP TRIGGER media_keywords_follow_media;
DROP TRIGGER media_keywords_count_delete;
DROP TRIGGER media_keywords_count_insert;
DROP TABLE media_keywords;
DROP TABLE keywords;
