-- Make-up days (补卡): the missed study day a learner picked in /missed, whose item they were just
-- sent; their next plain text answers it. And when a reflection came: 0 on its day, 1 after it
-- within the group's make-up window (made up), 2 later still (kept, not counted for the day).
ALTER TABLE learners ADD COLUMN makeup_date TEXT NULL;
ALTER TABLE reflections ADD COLUMN made_up INTEGER NOT NULL DEFAULT 0;
