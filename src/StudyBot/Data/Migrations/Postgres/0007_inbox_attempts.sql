-- An update's handling is counted before it starts, so one that kills the process is counted too.
-- After three attempts it is set aside (failed_utc, error) and never replayed; the row and its
-- payload stay, since they may hold a learner's words.
ALTER TABLE inbound_updates ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE inbound_updates ADD COLUMN failed_utc TIMESTAMPTZ NULL;
ALTER TABLE inbound_updates ADD COLUMN error TEXT NULL;

-- The replay reads what is neither handled nor set aside.
DROP INDEX ix_inbound_updates_unhandled;
CREATE INDEX ix_inbound_updates_unhandled ON inbound_updates (update_id) WHERE handled_utc IS NULL AND failed_utc IS NULL;
