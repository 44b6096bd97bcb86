-- Points (学习积分), where a group has them on: one row per learner, day and reason, so no retry,
-- edit or second press can count twice. reason 'day': 2 for the answer on the day, 1 made up
-- (the first answer of the day decides); 'share': 1; 'featured': 3.
CREATE TABLE points (
    chat_id BIGINT NOT NULL,
    group_id BIGINT NOT NULL,
    local_date TEXT NOT NULL,
    reason TEXT NOT NULL,
    points INTEGER NOT NULL,
    created_utc TEXT NOT NULL,
    PRIMARY KEY (chat_id, local_date, reason)
);

CREATE INDEX ix_points_group ON points (group_id, chat_id);

-- Sharing is by the author's press only (shared_utc); an organizer features a shared reflection.
ALTER TABLE reflections ADD COLUMN shared_utc TEXT NULL;
ALTER TABLE reflections ADD COLUMN featured_utc TEXT NULL;
