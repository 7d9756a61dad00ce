-- Children's villages and family strengthening (issue 6): houses, placements, gatekeeping,
-- development plans, education, independence, family strengthening, case management and
-- care notes. Not released yet: may change until merged.
-- Generated for both databases from one description; booleans are integers 0/1 on both.
-- Ids are UUIDv7 as text; instants are UTC text; dates are 'YYYY-MM-DD'.

-- Partner organisations that give services to families (a list the programme keeps).
CREATE TABLE care_partner (
    id TEXT PRIMARY KEY,
    site_id TEXT NOT NULL,
    name TEXT NOT NULL,
    services TEXT NOT NULL DEFAULT '',
    contact TEXT NOT NULL DEFAULT '',
    closed_at TEXT,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);

-- A house of a children's village: an SOS family (or a youth house), with its caregivers (staff members).
CREATE TABLE care_house (
    id TEXT PRIMARY KEY,
    site_id TEXT NOT NULL,
    facility_id TEXT NOT NULL REFERENCES facility (id),
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    capacity INTEGER NOT NULL,
    sos_parent_id TEXT REFERENCES staff_member (id),
    family_assistant_id TEXT REFERENCES staff_member (id),
    closed_at TEXT,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX care_house_facility ON care_house (facility_id);
CREATE INDEX care_house_parent ON care_house (sos_parent_id);
CREATE INDEX care_house_assistant ON care_house (family_assistant_id);

-- A child's care case: one per person, held by a village, youth facility or family strengthening office.
CREATE TABLE care_child (
    id TEXT PRIMARY KEY,
    site_id TEXT NOT NULL,
    person_id TEXT NOT NULL UNIQUE REFERENCES person (id),
    facility_id TEXT NOT NULL REFERENCES facility (id),
    case_state TEXT NOT NULL,
    left_on TEXT,
    leaving_destination TEXT NOT NULL DEFAULT '',
    leaving_reason TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX care_child_facility ON care_child (facility_id);

-- Gatekeeping: the assessment, decision and approval before a child is admitted to care.
CREATE TABLE care_admission (
    id TEXT PRIMARY KEY,
    site_id TEXT NOT NULL,
    child_id TEXT NOT NULL REFERENCES care_child (id),
    referred_by TEXT NOT NULL DEFAULT '',
    referred_on TEXT,
    authority TEXT NOT NULL DEFAULT '',
    authority_reference TEXT NOT NULL DEFAULT '',
    necessity TEXT NOT NULL,
    family_support TEXT NOT NULL DEFAULT '',
    options_considered TEXT NOT NULL DEFAULT '',
    chosen_option TEXT NOT NULL,
    suitability TEXT NOT NULL,
    child_views TEXT NOT NULL DEFAULT '',
    siblings_note TEXT NOT NULL DEFAULT '',
    decision TEXT NOT NULL,
    decided_on TEXT NOT NULL,
    review_on TEXT NOT NULL,
    status TEXT NOT NULL,
    approved_by TEXT,
    approved_at TEXT,
    approval_note TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX care_admission_child ON care_admission (child_id);
CREATE INDEX care_admission_status ON care_admission (status);

-- Where a child lives: a house from a start to an end, with the reason of each change.
CREATE TABLE care_placement (
    id TEXT PRIMARY KEY,
    site_id TEXT NOT NULL,
    child_id TEXT NOT NULL REFERENCES care_child (id),
    house_id TEXT NOT NULL REFERENCES care_house (id),
    started_on TEXT NOT NULL,
    ended_on TEXT,
    start_reason TEXT NOT NULL,
    end_reason TEXT NOT NULL DEFAULT '',
    apart_reason TEXT NOT NULL DEFAULT '',
    entered_in_error_at TEXT,
    entered_in_error_by TEXT,
    entered_in_error_reason TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX care_placement_child ON care_placement (child_id, started_on);
CREATE INDEX care_placement_house ON care_placement (house_id, ended_on);

-- A family in family strengthening.
CREATE TABLE care_household (
    id TEXT PRIMARY KEY,
    site_id TEXT NOT NULL,
    facility_id TEXT NOT NULL REFERENCES facility (id),
    name TEXT NOT NULL,
    vulnerabilities TEXT NOT NULL DEFAULT '',
    case_state TEXT NOT NULL,
    status TEXT NOT NULL,
    ended_on TEXT,
    end_reason TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX care_household_facility ON care_household (facility_id);

-- A person of the registry who belongs to a household; children at risk are marked.
CREATE TABLE care_household_member (
    id TEXT PRIMARY KEY,
    site_id TEXT NOT NULL,
    household_id TEXT NOT NULL REFERENCES care_household (id),
    person_id TEXT NOT NULL REFERENCES person (id),
    at_risk INTEGER NOT NULL DEFAULT 0,
    ended_at TEXT,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX care_household_member_current ON care_household_member (household_id, person_id) WHERE ended_at IS NULL;
CREATE INDEX care_household_member_person ON care_household_member (person_id);

-- A service a household (or one of its members) received, perhaps through a partner.
CREATE TABLE care_service (
    id TEXT PRIMARY KEY,
    site_id TEXT NOT NULL,
    household_id TEXT NOT NULL REFERENCES care_household (id),
    person_id TEXT REFERENCES person (id),
    kind TEXT NOT NULL,
    given_on TEXT NOT NULL,
    partner_id TEXT REFERENCES care_partner (id),
    notes TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX care_service_household ON care_service (household_id, given_on);

-- A household's progress towards self-reliance, assessed on a date.
CREATE TABLE care_progress (
    id TEXT PRIMARY KEY,
    site_id TEXT NOT NULL,
    household_id TEXT NOT NULL REFERENCES care_household (id),
    assessed_on TEXT NOT NULL,
    level TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX care_progress_household ON care_progress (household_id, assessed_on);

-- A development plan of a child or of a household, made with them, reviewed on a date.
CREATE TABLE care_plan (
    id TEXT PRIMARY KEY,
    site_id TEXT NOT NULL,
    child_id TEXT REFERENCES care_child (id),
    household_id TEXT REFERENCES care_household (id),
    made_on TEXT NOT NULL,
    review_on TEXT NOT NULL,
    strengths TEXT NOT NULL DEFAULT '',
    risks_needs TEXT NOT NULL DEFAULT '',
    child_heard INTEGER NOT NULL DEFAULT 0,
    child_views TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL,
    approved_by TEXT,
    approved_at TEXT,
    closed_at TEXT,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX care_plan_child ON care_plan (child_id);
CREATE INDEX care_plan_household ON care_plan (household_id);
CREATE INDEX care_plan_review_due ON care_plan (review_on);

-- A goal of a plan in one area of life: actions, who is responsible, when, and progress.
CREATE TABLE care_plan_goal (
    id TEXT PRIMARY KEY,
    site_id TEXT NOT NULL,
    plan_id TEXT NOT NULL REFERENCES care_plan (id),
    area TEXT NOT NULL,
    goal TEXT NOT NULL,
    actions TEXT NOT NULL DEFAULT '',
    responsible TEXT NOT NULL DEFAULT '',
    due_on TEXT,
    progress TEXT NOT NULL,
    progress_note TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX care_plan_goal_plan ON care_plan_goal (plan_id);

-- A review of a plan, with its date and the next review's.
CREATE TABLE care_plan_review (
    id TEXT PRIMARY KEY,
    site_id TEXT NOT NULL,
    plan_id TEXT NOT NULL REFERENCES care_plan (id),
    reviewed_on TEXT NOT NULL,
    notes TEXT NOT NULL DEFAULT '',
    next_review_on TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX care_plan_review_plan ON care_plan_review (plan_id);

-- A school or training enrolment of a child in care, with a scholarship if any.
CREATE TABLE care_enrolment (
    id TEXT PRIMARY KEY,
    site_id TEXT NOT NULL,
    child_id TEXT NOT NULL REFERENCES care_child (id),
    level TEXT NOT NULL,
    school TEXT NOT NULL,
    grade TEXT NOT NULL DEFAULT '',
    school_year INTEGER NOT NULL,
    scholarship TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX care_enrolment_child ON care_enrolment (child_id, school_year);

-- Attendance and results of one term of an enrolment.
CREATE TABLE care_term (
    id TEXT PRIMARY KEY,
    site_id TEXT NOT NULL,
    enrolment_id TEXT NOT NULL REFERENCES care_enrolment (id),
    term INTEGER NOT NULL,
    days_present INTEGER,
    days_possible INTEGER,
    average REAL,
    passed INTEGER NOT NULL DEFAULT 0,
    remark TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX care_term_once ON care_term (enrolment_id, term);

-- A step towards independence: youth care, semi-independent living, a job.
CREATE TABLE care_step (
    id TEXT PRIMARY KEY,
    site_id TEXT NOT NULL,
    child_id TEXT NOT NULL REFERENCES care_child (id),
    kind TEXT NOT NULL,
    started_on TEXT NOT NULL,
    ended_on TEXT,
    details TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX care_step_child ON care_step (child_id);

-- An after-care follow-up of a young person who left care.
CREATE TABLE care_followup (
    id TEXT PRIMARY KEY,
    site_id TEXT NOT NULL,
    child_id TEXT NOT NULL REFERENCES care_child (id),
    followed_on TEXT NOT NULL,
    situation TEXT NOT NULL,
    notes TEXT NOT NULL DEFAULT '',
    next_on TEXT,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX care_followup_child ON care_followup (child_id, followed_on);

-- Each step of a child's or a household's case, with who and when.
CREATE TABLE care_case_event (
    id TEXT PRIMARY KEY,
    site_id TEXT NOT NULL,
    subject_id TEXT NOT NULL,
    subject_kind TEXT NOT NULL,
    from_state TEXT NOT NULL,
    to_state TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX care_case_event_subject ON care_case_event (subject_id, created_at);

-- Short dated notes about a child: daily care notes, and psychosocial notes (a sensitive class).
CREATE TABLE care_note (
    id TEXT PRIMARY KEY,
    site_id TEXT NOT NULL,
    child_id TEXT NOT NULL REFERENCES care_child (id),
    kind TEXT NOT NULL,
    written_on TEXT NOT NULL,
    body TEXT NOT NULL,
    entered_in_error_at TEXT,
    entered_in_error_by TEXT,
    entered_in_error_reason TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX care_note_child ON care_note (child_id, kind, written_on);
