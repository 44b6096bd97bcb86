-- The weekly digest: on by default, /digest off turns it off.
ALTER TABLE learners ADD COLUMN digest_enabled INTEGER NOT NULL DEFAULT 1;

-- When the digest sweep next looks at the learner. NULL means "plan it at the next sweep": new
-- learners, and learners whose settings changed (a new time zone moves their Sunday evening).
ALTER TABLE learners ADD COLUMN next_digest_utc TEXT NULL;

CREATE INDEX ix_learners_next_digest ON learners (next_digest_utc);

-- One digest per learner and week (week_start is the Monday): UNIQUE makes "never twice" the
-- database's answer, whatever restarts or time zone changes happen.
CREATE TABLE digests (
    id INTEGER PRIMARY KEY,
    chat_id BIGINT NOT NULL,
    week_start TEXT NOT NULL,
    delivered INTEGER NOT NULL,
    answered INTEGER NOT NULL,
    created_utc TEXT NOT NULL,
    UNIQUE (chat_id, week_start)
);
