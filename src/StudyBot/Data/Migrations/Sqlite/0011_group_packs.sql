-- A pack belongs to everyone (group_id 0: a shipped pack or an owner's) or to one group (an
-- organizer's), and its name is unique within that: two groups' "week1" are two packs, and one
-- group's upload never replaces another's. SQLite cannot drop the old UNIQUE (name) in place, so
-- both tables are copied out and made again; the items are dropped before their packs, so no
-- foreign-key action can fire whether or not foreign keys are enforced.
CREATE TABLE packs_copy AS SELECT id, name, language, start_date, imported_utc FROM packs;
CREATE TABLE content_items_copy AS SELECT id, pack_id, position, theme, quote, source, prompt, pinned_date, intention FROM content_items;
DROP TABLE content_items;
DROP TABLE packs;

CREATE TABLE packs (
    id INTEGER PRIMARY KEY,
    group_id BIGINT NOT NULL DEFAULT 0,
    name TEXT NOT NULL,
    language TEXT NOT NULL,
    start_date TEXT NOT NULL,
    imported_utc TEXT NOT NULL,
    UNIQUE (group_id, name)
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
    intention INTEGER NOT NULL DEFAULT 0,
    UNIQUE (pack_id, position)
);

INSERT INTO packs (id, group_id, name, language, start_date, imported_utc)
SELECT id, 0, name, language, start_date, imported_utc FROM packs_copy;
INSERT INTO content_items (id, pack_id, position, theme, quote, source, prompt, pinned_date, intention)
SELECT id, pack_id, position, theme, quote, source, prompt, pinned_date, intention FROM content_items_copy;
DROP TABLE content_items_copy;
DROP TABLE packs_copy;
