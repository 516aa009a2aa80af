-- Images whose XMP sidecar must be written again, noted by triggers whenever a rating, a
-- status or a keyword changes — in any process — while the setting "xmp.write_sidecars" is
-- on. Whoever has the library open (the window, or a command as it closes) writes them. A
-- new token per change lets a writer remove only the note it has written for: a change
-- arriving meanwhile keeps its note.
CREATE TABLE xmp_pending (
    media_id TEXT PRIMARY KEY NOT NULL,
    token BLOB NOT NULL
) WITHOUT ROWID;

CREATE TRIGGER xmp_pending_cull AFTER UPDATE OF rating, status ON media
WHEN (SELECT value FROM app_settings WHERE key = 'xmp.write_sidecars') = 'true'
BEGIN
    INSERT OR REPLACE INTO xmp_pending (media_id, token) VALUES (new.id, randomblob(8));
END;

CREATE TRIGGER xmp_pending_keyword_added AFTER INSERT ON media_keywords
WHEN (SELECT value FROM app_settings WHERE key = 'xmp.write_sidecars') = 'true'
BEGIN
    INSERT OR REPLACE INTO xmp_pending (media_id, token) VALUES (new.media_id, randomblob(8));
END;

CREATE TRIGGER xmp_pending_keyword_removed AFTER DELETE ON media_keywords
WHEN (SELECT value FROM app_settings WHERE key = 'xmp.write_sidecars') = 'true'
    AND EXISTS (SELECT 1 FROM media WHERE id = old.media_id)
BEGIN
    INSERT OR REPLACE INTO xmp_pending (media_id, token) VALUES (old.media_id, randomblob(8));
END;
