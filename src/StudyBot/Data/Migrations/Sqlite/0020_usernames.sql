-- A learner's Telegram @username (without the @; null when they have none), for the organizers'
-- participation report. Taken when they subscribe and refreshed, with their name, at each /start
-- or join.
ALTER TABLE learners ADD COLUMN username TEXT NULL;
