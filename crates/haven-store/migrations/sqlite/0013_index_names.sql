-- One name per index on both databases (the schema test compares them): the sessions'
-- index by account takes PostgreSQL's name (session_user is a reserved word there).
DROP INDEX session_user;
CREATE INDEX session_user_id ON session (user_id);
