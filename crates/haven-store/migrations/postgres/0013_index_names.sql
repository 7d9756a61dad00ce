-- One name per index on both databases (the schema test compares them). PostgreSQL's
-- name for the sessions' index by account is kept (session_user is a reserved word
-- here); this statement changes nothing and keeps the two folders' versions in step.
CREATE INDEX IF NOT EXISTS session_user_id ON session (user_id);
