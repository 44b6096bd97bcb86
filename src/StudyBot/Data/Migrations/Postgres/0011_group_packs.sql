-- A pack belongs to everyone (group_id 0: a shipped pack or an owner's) or to one group (an
-- organizer's), and its name is unique within that: two groups' "week1" are two packs, and one
-- group's upload never replaces another's.
ALTER TABLE packs ADD COLUMN group_id BIGINT NOT NULL DEFAULT 0;
ALTER TABLE packs DROP CONSTRAINT packs_name_key;
ALTER TABLE packs ADD CONSTRAINT packs_group_name_key UNIQUE (group_id, name);
