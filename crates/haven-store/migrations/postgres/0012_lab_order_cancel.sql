-- A lab order can be cancelled before it has results (ordered by mistake, no longer
-- needed): it is marked entered in error, with the reason the clinician gave, and
-- leaves the worklist, the encounter and the chart. Nothing is deleted.

ALTER TABLE lab_order ADD COLUMN entered_in_error_reason TEXT NOT NULL DEFAULT '';
