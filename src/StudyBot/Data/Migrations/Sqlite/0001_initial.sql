CREATE TABLE learners (
    chat_id BIGINT NOT NULL PRIMARY KEY,
    display_name TEXT NOT NULL,
    language TEXT NOT NULL,
    time_zone TEXT NOT NULL,
    delivery_time TEXT NOT NULL,
    status TEXT NOT NULL,
    next_delivery_utc TEXT NULL,
    subscribed_utc TEXT NOT NULL,
    updated_utc TEXT NOT NULL
);

-- The sweep asks "who is due now?" every few seconds: this index makes that one range scan.
CREATE INDEX ix_learners_next_delivery ON learners (next_delivery_utc) WHERE next_delivery_utc IS NOT NULL;

CREATE TABLE packs (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    language TEXT NOT NULL,
    start_date TEXT NOT NULL,
    imported_utc TEXT NOT NULL
);

CREATE TABLE content_items (
    id INTEGER PRIMARY KEY,
    pack_id BIGINT NOT NULL REFERENCES packs (id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    theme TEXT NOT NULL,
    quote TEXT NOT NULL,
    source TEXT NOT NULL,
    prompt TEXT NOT NULL,
    pinned_date TEXT NULL,
    UNIQUE (pack_id, position)
);

-- A delivery keeps its own copy of the item, so replacing a pack never changes what a learner answered.
-- UNIQUE (chat_id, local_date) is the rule "never two deliveries for one learner and local day".
CREATE TABLE deliveries (
    id INTEGER PRIMARY KEY,
    chat_id BIGINT NOT NULL,
    local_date TEXT NOT NULL,
    theme TEXT NOT NULL,
    quote TEXT NOT NULL,
    source TEXT NOT NULL,
    prompt TEXT NOT NULL,
    claimed_utc TEXT NOT NULL,
    sent_utc TEXT NULL,
    message_id BIGINT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    failure TEXT NULL,
    UNIQUE (chat_id, local_date)
);

CREATE INDEX ix_deliveries_unsent ON deliveries (claimed_utc) WHERE sent_utc IS NULL AND failure IS NULL;
CREATE INDEX ix_deliveries_message ON deliveries (chat_id, message_id);

-- One reflection per Telegram message: a redelivered update or an edit never adds a second one.
CREATE TABLE reflections (
    id INTEGER PRIMARY KEY,
    chat_id BIGINT NOT NULL,
    message_id BIGINT NOT NULL,
    delivery_id BIGINT NOT NULL REFERENCES deliveries (id),
    text TEXT NOT NULL,
    created_utc TEXT NOT NULL,
    updated_utc TEXT NOT NULL,
    UNIQUE (chat_id, message_id)
);

CREATE INDEX ix_reflections_chat ON reflections (chat_id, created_utc);

-- Updates are stored here before their offset is confirmed to Telegram, and handled from here.
CREATE TABLE inbound_updates (
    update_id BIGINT NOT NULL PRIMARY KEY,
    chat_id BIGINT NOT NULL,
    payload TEXT NOT NULL,
    received_utc TEXT NOT NULL,
    handled_utc TEXT NULL
);

CREATE INDEX ix_inbound_updates_unhandled ON inbound_updates (update_id) WHERE handled_utc IS NULL;
