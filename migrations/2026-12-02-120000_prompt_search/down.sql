DROP TRIGGER media_search_generation_update;
DROP TRIGGER media_search_generation_insert;
DROP TRIGGER media_search_update;
DROP TRIGGER media_search_delete;
DROP TRIGGER media_search_insert;
DROP TABLE media_search;
