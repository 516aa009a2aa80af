-- Stacks: the images of one submit (a `--count N` run, "Generate variations") share the
-- batch id their generations keep in params_json. Copied into media.stack_id (with an index
-- to count a stack's images), so the grid can badge and collapse a batch without reading
-- JSON. Triggers fill it for new items, whichever of the media and generation rows is
-- written first. Imports have a batch of their own: a stack of one, never shown as one.
ALTER TABLE media ADD COLUMN stack_id TEXT;

UPDATE media SET stack_id = (
    SELECT CASE WHEN json_valid(g.params_json) THEN json_extract(g.params_json, '$.batch') END
    FROM generations g WHERE g.id = media.generation_id
) WHERE generation_id IS NOT NULL;

CREATE INDEX media_stack_idx ON media (stack_id, created_at, id) WHERE stack_id IS NOT NULL;

CREATE TRIGGER media_stack_insert AFTER INSERT ON media
WHEN new.generation_id IS NOT NULL AND new.stack_id IS NULL BEGIN
    UPDATE media SET stack_id = (
        SELECT CASE WHEN json_valid(params_json) THEN json_extract(params_json, '$.batch') END
        FROM generations WHERE id = new.generation_id
    ) WHERE rowid = new.rowid;
END;

CREATE TRIGGER media_stack_generation_insert AFTER INSERT ON generations
WHEN json_valid(new.params_json) BEGIN
    UPDATE media SET stack_id = json_extract(new.params_json, '$.batch') WHERE generation_id = new.id;
END;

-- The stacks the user collapsed into one cell. Their first image (by creation time) stands
-- for them; the others are hidden from the grid until the stack is expanded again.
CREATE TABLE collapsed_stacks (
    stack_id TEXT PRIMARY KEY NOT NULL
) WITHOUT ROWID;

-- The rows the grid hides: every image of a collapsed stack but its first.
CREATE VIEW stack_hidden AS
SELECT m.rowid AS rowid
FROM collapsed_stacks c JOIN media m ON m.stack_id = c.stack_id
WHERE EXISTS (
    SELECT 1 FROM media t
    WHERE t.stack_id = m.stack_id
      AND (t.created_at < m.created_at OR (t.created_at = m.created_at AND t.id < m.id))
);
