-- Mother and child health, after the first merge: a pregnancy can end without a
-- delivery (miscarriage, abortion, ectopic, moved away, lost to follow-up), which
-- takes her off the worklists; and each person's next immunisation due date is kept
-- up to date as doses are written, so a session's due list reads only the children
-- with a dose due by its date instead of running the engine over every child.

ALTER TABLE pregnancy ADD COLUMN ended_on DATE;
ALTER TABLE pregnancy ADD COLUMN end_reason TEXT NOT NULL DEFAULT '';
ALTER TABLE pregnancy ADD COLUMN end_notes TEXT NOT NULL DEFAULT '';

-- Derived, like immunisation_status: the earliest day a child's next dose of the
-- child schedule is due (NULL: nothing left to give), rewritten in the transaction
-- of every dose written or marked in error.
CREATE TABLE immunisation_next_due (
    person_id UUID PRIMARY KEY REFERENCES person (id),
    next_due_on DATE,
    updated_at TIMESTAMPTZ NOT NULL
);
CREATE INDEX immunisation_next_due_on ON immunisation_next_due (next_due_on);
