DROP VIEW stack_hidden;
CREATE VIEW stack_hidden AS
SELECT m.rowid AS rowid
FROM collapsed_stacks c JOIN media m ON m.stack_id = c.stack_id
WHERE EXISTS (
    SELECT 1 FROM media t
    WHERE t.stack_id = m.stack_id
      AND (t.created_at < m.created_at OR (t.created_at = m.created_at AND t.id < m.id))
);
