-- 点评: an organizer's comment on a shared reflection, delivered to its author and shown with it.
CREATE TABLE comments (
    id INTEGER PRIMARY KEY,
    reflection_id BIGINT NOT NULL REFERENCES reflections (id) ON DELETE CASCADE,
    organizer_id BIGINT NOT NULL,
    text TEXT NOT NULL,
    created_utc TEXT NOT NULL
);

CREATE INDEX ix_comments_reflection ON comments (reflection_id);

-- The reflection an organizer pressed Comment on: their next text in private is the comment.
CREATE TABLE pending_comments (
    organizer_id BIGINT NOT NULL PRIMARY KEY,
    reflection_id BIGINT NOT NULL,
    created_utc TEXT NOT NULL
);
