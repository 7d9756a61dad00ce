-- A training entered in error says why, as a person marked in error does
-- (0002 kept who and when but not why).
ALTER TABLE training ADD COLUMN entered_in_error_reason TEXT NOT NULL DEFAULT '';
