-- Whether an item's prompt asks what the learner will do, so that its answers are the "Next
-- steps" of the study summary. A pack now says so per item (intention: true); until now it was
-- read from the prompt's opening words, which only the shipped packs' phrasing matched.
ALTER TABLE content_items ADD COLUMN intention INTEGER NOT NULL DEFAULT 0;

-- A delivery keeps its own copy, as it does of the prompt: replacing a pack changes no summary.
ALTER TABLE deliveries ADD COLUMN intention INTEGER NOT NULL DEFAULT 0;

-- What was stored before keeps its behaviour: the prompts with the openings that were recognised
-- (prompts are stored trimmed; the English ones were matched ignoring case).
UPDATE content_items SET intention = 1
WHERE prompt LIKE '明天你打算%' OR prompt LIKE '这周你准备%' OR prompt LIKE '接下来你会%'
   OR LOWER(prompt) LIKE 'what will you%' OR LOWER(prompt) LIKE 'which one thing will you%'
   OR LOWER(prompt) LIKE 'this week, what will you%';

UPDATE deliveries SET intention = 1
WHERE prompt LIKE '明天你打算%' OR prompt LIKE '这周你准备%' OR prompt LIKE '接下来你会%'
   OR LOWER(prompt) LIKE 'what will you%' OR LOWER(prompt) LIKE 'which one thing will you%'
   OR LOWER(prompt) LIKE 'this week, what will you%';
