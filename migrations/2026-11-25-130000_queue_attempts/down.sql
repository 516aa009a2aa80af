ALTER TABLE queue DROP COLUMN attempts;
