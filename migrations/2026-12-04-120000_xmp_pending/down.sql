DROP TABLE xmp_pending;
