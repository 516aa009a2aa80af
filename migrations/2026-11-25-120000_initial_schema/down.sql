DROP TABLE app_settings;
DROP TABLE queue;
DROP TABLE generation_inputs;
DROP TABLE media;
DROP TABLE generations;
DROP TABLE base_models;
