DROP VIEW stack_hidden;
DROP TABLE collapsed_stacks;
DROP TRIGGER media_stack_generation_insert;
DROP TRIGGER media_stack_insert;
DROP INDEX media_stack_idx;
ALTER TABLE media DROP COLUMN stack_id;
