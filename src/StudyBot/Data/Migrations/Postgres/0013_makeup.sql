-- Make-up days (补卡): the missed study day a learner picked in /missed, whose item they were just
-- sent; their next plain text answers it. And whether a reflection came after its day had ended.
ALTER TABLE learners ADD COLUMN makeup_date DATE NULL;
ALTER TABLE reflections ADD COLUMN made_up INTEGER NOT NULL DEFAULT 0;
