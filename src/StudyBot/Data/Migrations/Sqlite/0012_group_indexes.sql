-- /members shows each member's answered and missed prompts and last answer in the group: found by
-- member and group, a few rows each. Without these, SQLite (which has no statistics: the bot never
-- runs ANALYZE) read all of the group's deliveries and reflections through the group's indexes
-- for every member, hundreds of milliseconds for a page of a group of a hundred.
CREATE INDEX ix_deliveries_chat_group ON deliveries (chat_id, group_id, local_date);
CREATE INDEX ix_reflections_chat_group ON reflections (chat_id, group_id, created_utc);
