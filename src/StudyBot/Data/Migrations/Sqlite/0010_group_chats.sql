-- A group's linked Telegram chat: its title for /group, who linked it (told in private when the
-- link ends or moves), and when the chat's next daily post is due: the sweep's range scan, NULL
-- while no chat is linked.
ALTER TABLE study_groups ADD COLUMN linked_chat_title TEXT NULL;
ALTER TABLE study_groups ADD COLUMN linked_by_user_id BIGINT NULL;
ALTER TABLE study_groups ADD COLUMN next_post_utc TEXT NULL;

CREATE INDEX ix_study_groups_next_post ON study_groups (next_post_utc) WHERE next_post_utc IS NOT NULL;

-- The day's item posted in a group's linked chat. UNIQUE (group_id, local_date) is the rule "one
-- post per group and local day", claimed before it is sent. Like a delivery it keeps its own copy
-- of the item (what a member's reply to it answers), and the post's message id, by which a reply
-- finds it.
CREATE TABLE group_posts (
    id INTEGER PRIMARY KEY,
    group_id BIGINT NOT NULL REFERENCES study_groups (id),
    linked_chat_id BIGINT NOT NULL,
    local_date TEXT NOT NULL,
    theme TEXT NOT NULL,
    quote TEXT NOT NULL,
    source TEXT NOT NULL,
    prompt TEXT NOT NULL,
    intention INTEGER NOT NULL DEFAULT 0,
    claimed_utc TEXT NOT NULL,
    sent_utc TEXT NULL,
    message_id BIGINT NULL,
    failure TEXT NULL,
    UNIQUE (group_id, local_date)
);

CREATE INDEX ix_group_posts_message ON group_posts (linked_chat_id, message_id);

-- A bulk message may carry inline buttons (the post's Join button, as Telegram's JSON), and the
-- group post it sends, which its outcome settles.
ALTER TABLE outbox ADD COLUMN keyboard TEXT NULL;
ALTER TABLE outbox ADD COLUMN group_post_id BIGINT NULL;

CREATE UNIQUE INDEX ux_outbox_group_post ON outbox (group_post_id) WHERE group_post_id IS NOT NULL;

-- A reflection written in a group chat (a reply to the day's post) has that chat's message id,
-- numbered apart from the learner's private chat: source_chat_id names the chat (0 for the
-- learner's private chat), and one reflection per Telegram message is now UNIQUE (chat_id,
-- source_chat_id, message_id). SQLite cannot change a table's constraint, so the table is rebuilt,
-- ids kept.
CREATE TABLE reflections_rebuilt (
    id INTEGER PRIMARY KEY,
    chat_id BIGINT NOT NULL,
    message_id BIGINT NOT NULL,
    delivery_id BIGINT NOT NULL REFERENCES deliveries (id),
    text TEXT NOT NULL,
    created_utc TEXT NOT NULL,
    updated_utc TEXT NOT NULL,
    group_id BIGINT NOT NULL DEFAULT 1,
    source_chat_id BIGINT NOT NULL DEFAULT 0,
    UNIQUE (chat_id, source_chat_id, message_id)
);

INSERT INTO reflections_rebuilt (id, chat_id, message_id, delivery_id, text, created_utc, updated_utc, group_id)
SELECT id, chat_id, message_id, delivery_id, text, created_utc, updated_utc, group_id FROM reflections;

DROP TABLE reflections;
ALTER TABLE reflections_rebuilt RENAME TO reflections;

CREATE INDEX ix_reflections_chat ON reflections (chat_id, created_utc);
CREATE INDEX ix_reflections_delivery ON reflections (delivery_id);
CREATE INDEX ix_reflections_group ON reflections (group_id, created_utc);
