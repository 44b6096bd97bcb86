-- The day's wall posted in a group's linked chat at its walltime: claimed once per group and local
-- day, with its outbox row, whatever restarts or instances there are.
CREATE TABLE group_walls (
    group_id BIGINT NOT NULL REFERENCES study_groups (id),
    local_date TEXT NOT NULL,
    claimed_utc TEXT NOT NULL,
    PRIMARY KEY (group_id, local_date)
);
