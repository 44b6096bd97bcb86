-- Sent, failed and unreachable outbox rows are pruned after 30 days, so a finished broadcast keeps
-- its own final counts instead of counting its outbox rows. NULL until the broadcast is done.
ALTER TABLE broadcasts ADD COLUMN delivered INTEGER NULL;
ALTER TABLE broadcasts ADD COLUMN blocked INTEGER NULL;
ALTER TABLE broadcasts ADD COLUMN failed INTEGER NULL;

-- Broadcasts finished before this migration: their rows are all still there.
UPDATE broadcasts SET
    delivered = (SELECT COUNT(*) FROM outbox o WHERE o.broadcast_id = broadcasts.id AND o.status = 'sent'),
    blocked = (SELECT COUNT(*) FROM outbox o WHERE o.broadcast_id = broadcasts.id AND o.status = 'unreachable'),
    failed = (SELECT COUNT(*) FROM outbox o WHERE o.broadcast_id = broadcasts.id AND o.status = 'failed')
WHERE status = 'done';

-- The prune walks the oldest rows in batches; without it each batch would scan the whole outbox
-- (on SQLite inside the one write transaction everyone waits for).
CREATE INDEX ix_outbox_created ON outbox (created_utc);
