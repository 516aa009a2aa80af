-- Items whose original file the library check found missing (`distillery check --repair`,
-- Settings → Check Library → Repair). The grid marks them instead of failing to show them;
-- a later repair that finds the file again removes the mark. A table of its own, so the
-- grid's covering indexes on `media` stay as they are; it is empty in a healthy library.
CREATE TABLE missing_originals (
    media_id TEXT PRIMARY KEY NOT NULL REFERENCES media(id) ON DELETE CASCADE,
    noticed_at TEXT NOT NULL
) WITHOUT ROWID;
