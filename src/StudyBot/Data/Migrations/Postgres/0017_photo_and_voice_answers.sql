-- Photo and voice answers: a reflection's kind (0 text, 1 photo, 2 voice), the Telegram file id
-- by which its file is fetched when a document needs it (never stored here), a voice answer's
-- length in seconds. text keeps a photo's caption ('' without one).
ALTER TABLE reflections ADD COLUMN kind INTEGER NOT NULL DEFAULT 0;
ALTER TABLE reflections ADD COLUMN file_id TEXT NULL;
ALTER TABLE reflections ADD COLUMN duration_seconds INTEGER NULL;
