-- Every bulk message (daily prompts, broadcasts, reminders) is written here first and sent from here.
-- A row is claimed before its request goes out and marked sent when Telegram confirms it.
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    chat_id BIGINT NOT NULL,
    kind TEXT NOT NULL,
    priority INTEGER NOT NULL,
    text TEXT NOT NULL,
    entities TEXT NULL,
    delivery_id BIGINT NULL,
    broadcast_id BIGINT NULL,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    claimed_utc TEXT NULL,
    sent_utc TEXT NULL,
    message_id BIGINT NULL,
    error TEXT NULL,
    created_utc TEXT NOT NULL
);

-- One copy of a broadcast per recipient, one send per delivery.
CREATE UNIQUE INDEX ux_outbox_broadcast_recipient ON outbox (broadcast_id, chat_id) WHERE broadcast_id IS NOT NULL;
CREATE UNIQUE INDEX ux_outbox_delivery ON outbox (delivery_id) WHERE delivery_id IS NOT NULL;
CREATE INDEX ix_outbox_pending ON outbox (priority, id) WHERE status = 'pending';
CREATE INDEX ix_outbox_claimed ON outbox (id) WHERE status = 'claimed';

CREATE TABLE broadcasts (
    id INTEGER PRIMARY KEY,
    admin_chat_id BIGINT NOT NULL,
    admin_user_id BIGINT NOT NULL,
    language TEXT NOT NULL,
    text TEXT NOT NULL,
    entities TEXT NULL,
    status TEXT NOT NULL,
    total INTEGER NOT NULL DEFAULT 0,
    status_message_id BIGINT NULL,
    created_utc TEXT NOT NULL,
    confirmed_utc TEXT NULL,
    finished_utc TEXT NULL
);
