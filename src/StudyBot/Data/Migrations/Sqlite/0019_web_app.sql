-- The web app. Sign-in links of /web (single use, short-lived) and browser sessions, each stored
-- only as the SHA-256 of its token: a copy of the database signs nobody in. chat_id is the user's
-- private chat (= user id), so /deletedata removes them with everything else.
CREATE TABLE web_links (
    token_hash TEXT NOT NULL PRIMARY KEY,
    chat_id BIGINT NOT NULL,
    expires_utc TEXT NOT NULL
);

CREATE INDEX ix_web_links_chat ON web_links (chat_id);

CREATE TABLE web_sessions (
    token_hash TEXT NOT NULL PRIMARY KEY,
    chat_id BIGINT NOT NULL,
    created_utc TEXT NOT NULL,
    expires_utc TEXT NOT NULL
);

CREATE INDEX ix_web_sessions_chat ON web_sessions (chat_id);

-- When the learner last changed the saved text in the web app; the chat message keeps the words
-- first sent, so /history and the journal say "edited". An edit in Telegram clears it again.
ALTER TABLE reflections ADD COLUMN edited_utc TEXT NULL;
