-- The web app's download links: inside Telegram the page cannot put its init data on a plain link,
-- so it asks for a link that carries a token instead. Single use, valid a minute, and good for one
-- download path (with its query) only; stored as the SHA-256 of the token, as web_links are, and
-- here, not in memory, so that any instance behind the proxy can serve it. chat_id is the user the
-- download acts as (their private chat), so /deletedata removes unused links with everything else.
CREATE TABLE download_links (
    token_hash TEXT NOT NULL PRIMARY KEY,
    chat_id BIGINT NOT NULL,
    target TEXT NOT NULL,
    expires_utc TIMESTAMPTZ NOT NULL
);

CREATE INDEX ix_download_links_expires ON download_links (expires_utc);
