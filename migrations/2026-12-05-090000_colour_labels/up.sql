-- Colour labels ("Red", "Approved"): one per image, as Lightroom, Bridge and Photo Mechanic
-- keep them in xmp:Label. Read from XMP on import, written back to sidecars and exports.
-- A table of their own: most images have none, and the grid's rows stay as they are.
CREATE TABLE media_labels (
    media_id TEXT PRIMARY KEY NOT NULL REFERENCES media (id) ON DELETE CASCADE,
    label TEXT NOT NULL
) WITHOUT ROWID;

-- A label given, changed or taken away notes the image's sidecar, as ratings do.
CREATE TRIGGER xmp_pending_label_set AFTER INSERT ON media_labels
WHEN (SELECT value FROM app_settings WHERE key = 'xmp.write_sidecars') = 'true'
BEGIN
    INSERT OR REPLACE INTO xmp_pending (media_id, token) VALUES (new.media_id, randomblob(8));
END;

CREATE TRIGGER xmp_pending_label_changed AFTER UPDATE ON media_labels
WHEN (SELECT value FROM app_settings WHERE key = 'xmp.write_sidecars') = 'true'
BEGIN
    INSERT OR REPLACE INTO xmp_pending (media_id, token) VALUES (new.media_id, randomblob(8));
END;

CREATE TRIGGER xmp_pending_label_cleared AFTER DELETE ON media_labels
WHEN (SELECT value FROM app_settings WHERE key = 'xmp.write_sidecars') = 'true'
    AND EXISTS (SELECT 1 FROM media WHERE id = old.media_id)
BEGIN
    INSERT OR REPLACE INTO xmp_pending (media_id, token) VALUES (old.media_id, randomblob(8));
END;
