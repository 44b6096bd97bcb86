-- The learner's summary draft in the web app's composer, as one JSON document (SummaryDraft):
-- the page reads and writes it whole on every autosave, and nothing ever queries inside it, so
-- rows per insight would only turn each save into a delete and re-insert of children.
-- version counts the saves: a save names the version it started from and is refused when the
-- draft has moved on, so a page left open elsewhere cannot overwrite newer work. chat_id is the
-- learner's private chat, so /deletedata removes the draft with everything else.
CREATE TABLE summary_drafts (
    chat_id BIGINT NOT NULL PRIMARY KEY,
    version INTEGER NOT NULL,
    document TEXT NOT NULL,
    updated_utc TIMESTAMPTZ NOT NULL
);
