-- Every admin action (broadcast, import, remind, export, stats) leaves one row: who, when, what.
CREATE TABLE audit (
    id INTEGER PRIMARY KEY,
    user_id BIGINT NOT NULL,
    at_utc TEXT NOT NULL,
    action TEXT NOT NULL,
    details TEXT NULL
);

CREATE INDEX ix_audit_at ON audit (at_utc);

-- Reminders live here too: they came with the audit in the same piece of work.
-- PRIMARY KEY (chat_id, local_date) is the rule "never two reminders for one learner and local day",
-- whether /remind or the automatic reminder (source) claims the day first.
CREATE TABLE reminders (
    chat_id BIGINT NOT NULL,
    local_date TEXT NOT NULL,
    delivery_id BIGINT NOT NULL,
    source TEXT NOT NULL,
    created_utc TEXT NOT NULL,
    PRIMARY KEY (chat_id, local_date)
);

-- "Has this prompt been answered?" is asked for every candidate of a reminder and every day of /stats.
CREATE INDEX IF NOT EXISTS ix_reflections_delivery ON reflections (delivery_id);

-- /stats, /remind and /exportall read deliveries by local date across all learners.
CREATE INDEX IF NOT EXISTS ix_deliveries_local_date ON deliveries (local_date);
