-- The weekly digest posted in a group's linked chat: claimed once per group and week (its Monday),
-- with its outbox row, whatever restarts or instances there are.
CREATE TABLE group_digests (
    group_id BIGINT NOT NULL REFERENCES study_groups (id),
    week_start TEXT NOT NULL,
    claimed_utc TEXT NOT NULL,
    PRIMARY KEY (group_id, week_start)
);

-- A wall post too long for one message shows the featured reflections up to this one (by
-- featured_utc, then id) and offers the rest behind a button; the rest is posted once, at the
-- first press (rest_posted_utc).
ALTER TABLE group_walls ADD COLUMN rest_featured_utc TEXT NULL;
ALTER TABLE group_walls ADD COLUMN rest_reflection_id BIGINT NULL;
ALTER TABLE group_walls ADD COLUMN rest_posted_utc TEXT NULL;
