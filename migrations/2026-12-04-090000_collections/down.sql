DROP TABLE collection_media;
DROP TABLE collections;
