DROP TABLE missing_originals;
