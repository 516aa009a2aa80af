-- How many times a job has been started. A job left `processing` by a killed app is
-- re-queued once; after that it fails as interrupted.
ALTER TABLE queue ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
