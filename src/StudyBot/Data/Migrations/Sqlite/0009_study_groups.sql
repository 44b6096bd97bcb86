-- The study group is the unit: its organizers, its course and calendar, its Telegram chat.
-- Group 1 is the deployment's default group. Everything from before groups is in it, and the bot
-- fills its settings from the Bot:* configuration at its first start after this migration (an
-- empty language marks it as not yet filled). start_date NULL: the course starts on the pack's own
-- start date, as before groups, so nothing changes for the learners already there.
-- study_days: one bit per weekday, Sunday = 1 ... Saturday = 64 (127: every day).
CREATE TABLE study_groups (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    join_code TEXT NOT NULL UNIQUE,
    organizer_code TEXT NOT NULL UNIQUE,
    organizer_code_expires_utc TEXT NOT NULL,
    language TEXT NOT NULL,
    delivery_time TEXT NOT NULL,
    time_zone TEXT NOT NULL,
    pack_name TEXT NULL,
    start_date TEXT NULL,
    end_date TEXT NULL,
    study_days INTEGER NOT NULL DEFAULT 127,
    makeup_days INTEGER NOT NULL DEFAULT 2,
    points INTEGER NOT NULL DEFAULT 0,
    leaderboard INTEGER NOT NULL DEFAULT 0,
    wall INTEGER NOT NULL DEFAULT 1,
    wall_time TEXT NOT NULL DEFAULT '21:00',
    reminder_time TEXT NULL,
    linked_chat_id BIGINT NULL UNIQUE,
    created_utc TEXT NOT NULL
);

INSERT INTO study_groups (id, name, join_code, organizer_code, organizer_code_expires_utc, language, delivery_time, time_zone, created_utc)
VALUES (1, 'StudyBot', lower(hex(randomblob(5))), lower(hex(randomblob(5))), '2000-01-01 00:00:00', '', '', '', strftime('%Y-%m-%d %H:%M:%S', 'now'));

CREATE TABLE group_organizers (
    group_id BIGINT NOT NULL REFERENCES study_groups (id),
    user_id BIGINT NOT NULL,
    added_utc TEXT NOT NULL,
    PRIMARY KEY (group_id, user_id)
);

CREATE INDEX ix_group_organizers_user ON group_organizers (user_id);

-- The group an organizer (or owner) runs commands on. No row: an organizer of one group acts on
-- it, an owner on all groups; group_id NULL: an owner who picked "all groups".
CREATE TABLE current_groups (
    user_id BIGINT NOT NULL PRIMARY KEY,
    group_id BIGINT NULL
);

-- Exceptions to a group's study days: kind 'off' (a holiday) or 'study' (a working weekend).
CREATE TABLE calendar_days (
    group_id BIGINT NOT NULL REFERENCES study_groups (id),
    day TEXT NOT NULL,
    kind TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (group_id, day)
);

-- One group per learner at a time; deliveries and reflections keep the group they were made in,
-- so switching groups leaves the history where it was.
ALTER TABLE learners ADD COLUMN group_id BIGINT NOT NULL DEFAULT 1;
ALTER TABLE learners ADD COLUMN joined_utc TEXT NULL;
UPDATE learners SET joined_utc = subscribed_utc;
ALTER TABLE deliveries ADD COLUMN group_id BIGINT NOT NULL DEFAULT 1;
ALTER TABLE reflections ADD COLUMN group_id BIGINT NOT NULL DEFAULT 1;

-- A broadcast goes to one group's members (NULL: an owner's, to everyone).
ALTER TABLE broadcasts ADD COLUMN group_id BIGINT NULL;

CREATE INDEX ix_learners_group ON learners (group_id, status);
CREATE INDEX ix_deliveries_group_date ON deliveries (group_id, local_date);
CREATE INDEX ix_reflections_group ON reflections (group_id, created_utc);
