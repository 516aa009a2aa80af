-- The hidden rows are found from the collapsed stacks outwards (CROSS JOIN fixes the loop
-- order): left to itself SQLite walked every image that belongs to any stack and looked
-- each up among the collapsed ones, once per grid page, which grows with the library
-- instead of with what the user collapsed.
DROP VIEW stack_hidden;
CREATE VIEW stack_hidden AS
SELECT m.rowid AS rowid
FROM collapsed_stacks c CROSS JOIN media m
WHERE m.stack_id = c.stack_id
  AND EXISTS (
    SELECT 1 FROM media t
    WHERE t.stack_id = m.stack_id
      AND (t.created_at < m.created_at OR (t.created_at = m.created_at AND t.id < m.id))
  );
