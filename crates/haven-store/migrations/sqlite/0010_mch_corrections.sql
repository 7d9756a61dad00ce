-- Mother and child health, after the first merge: a pregnancy can end without a
-- delivery (miscarriage, abortion, ectopic, moved away, lost to follow-up), which
-- takes her off the worklists; and each person's next immunisation due date is kept
-- up to date as doses are written, so a session's due list reads only the children
-- with a dose due by its date instead of running the engine over every child.

ALTER TABLE pregnancy ADD COLUMN ended_on TEXT;
ALTER TABLE pregnancy ADD COLUMN end_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE pregnancy ADD COLUMN end_notes TEXT NOT NULL DEFAULT '';

-- Derived, like immunisation_status: the window of days in which a child may be on
-- a session's due list (from the earliest due date of a dose still to give to the
-- latest maximum age among them; NULL next_due_on: nothing left to give), worked out
-- from the birth date, sex and schedule stored beside it, and rewritten in the
-- transaction of every dose written or marked in error. A row whose birth date, sex
-- or schedule no longer match is ignored (the child is evaluated in full).
CREATE TABLE immunisation_next_due (
    person_id TEXT PRIMARY KEY REFERENCES person (id),
    born TEXT NOT NULL,
    sex TEXT NOT NULL,
    schedule_key TEXT NOT NULL,
    next_due_on TEXT,
    due_until TEXT,
    updated_at TEXT NOT NULL
);
CREATE INDEX immunisation_next_due_on ON immunisation_next_due (next_due_on);
