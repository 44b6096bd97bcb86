-- The outbox row of a day's wall post, whose message id tells which message in the linked chat to
-- edit when an author unshares a reflection the post shows.
ALTER TABLE group_walls ADD COLUMN post_outbox_id BIGINT NULL;
