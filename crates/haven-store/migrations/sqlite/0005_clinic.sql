-- The medical centre's daily work (issue 4): outpatient visits and the queue, vital
-- signs, diagnoses, referrals, inpatient stays with transfers, progress notes and
-- medication administration, laboratory orders and results, prescriptions, stock
-- batches with their movements, the counts of treatments provided, and the one-time
-- tokens of forms.
-- Ids are UUIDv7 as text; instants are UTC text; dates are 'YYYY-MM-DD'.
-- Clinical records are never deleted: entered in error is a mark (who, when, why).

-- A form's one-time token, written in the same transaction as the record the form
-- made: a second submit of the same form finds the token and leads to that record.
CREATE TABLE form_once (
    token TEXT PRIMARY KEY,
    entity TEXT NOT NULL,
    record_id TEXT NOT NULL,
    used_at TEXT NOT NULL,
    used_by TEXT NOT NULL
);

-- An outpatient visit at a facility, from check-in to its outcome.
CREATE TABLE visit (
    id TEXT PRIMARY KEY,
    site_id TEXT NOT NULL,
    person_id TEXT NOT NULL REFERENCES person (id),
    facility_id TEXT NOT NULL REFERENCES facility (id),
    visit_type TEXT NOT NULL,
    queue_state TEXT NOT NULL CHECK (queue_state IN ('waiting', 'with_clinician', 'done')),
    checked_in_at TEXT NOT NULL,
    seen_at TEXT,
    clinician_id TEXT,
    ended_at TEXT,
    complaint TEXT NOT NULL DEFAULT '',
    history TEXT NOT NULL DEFAULT '',
    examination TEXT NOT NULL DEFAULT '',
    plan TEXT NOT NULL DEFAULT '',
    follow_up_on TEXT,
    outcome TEXT NOT NULL DEFAULT '',
    -- What the treatment count was incremented under, so that marking the visit
    -- entered in error takes back exactly that count.
    count_month TEXT NOT NULL,
    count_sex TEXT NOT NULL,
    count_age_band TEXT NOT NULL,
    entered_in_error_at TEXT,
    entered_in_error_by TEXT,
    entered_in_error_reason TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX visit_person ON visit (person_id, checked_in_at);
CREATE INDEX visit_queue ON visit (facility_id, queue_state, checked_in_at);

-- An inpatient stay. One current stay per bed and per person.
CREATE TABLE stay (
    id TEXT PRIMARY KEY,
    site_id TEXT NOT NULL,
    person_id TEXT NOT NULL REFERENCES person (id),
    facility_id TEXT NOT NULL REFERENCES facility (id),
    visit_id TEXT REFERENCES visit (id),
    ward_id TEXT NOT NULL REFERENCES ward (id),
    bed_id TEXT NOT NULL REFERENCES bed (id),
    admitted_at TEXT NOT NULL,
    admitted_by TEXT NOT NULL,
    reason TEXT NOT NULL,
    discharged_at TEXT,
    discharged_by TEXT,
    outcome TEXT NOT NULL DEFAULT '',
    cause_of_death TEXT NOT NULL DEFAULT '',
    summary TEXT NOT NULL DEFAULT '',
    count_month TEXT NOT NULL,
    count_sex TEXT NOT NULL,
    count_age_band TEXT NOT NULL,
    entered_in_error_at TEXT,
    entered_in_error_by TEXT,
    entered_in_error_reason TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX stay_bed_current ON stay (bed_id)
    WHERE discharged_at IS NULL AND entered_in_error_at IS NULL;
CREATE UNIQUE INDEX stay_person_current ON stay (person_id)
    WHERE discharged_at IS NULL AND entered_in_error_at IS NULL;
CREATE INDEX stay_ward ON stay (ward_id, admitted_at);
CREATE INDEX stay_person ON stay (person_id, admitted_at);
CREATE INDEX stay_facility ON stay (facility_id, admitted_at);

-- A move of a stay from one bed (and ward) to another.
CREATE TABLE stay_transfer (
    id TEXT PRIMARY KEY,
    site_id TEXT NOT NULL,
    stay_id TEXT NOT NULL REFERENCES stay (id),
    from_bed_id TEXT NOT NULL REFERENCES bed (id),
    to_bed_id TEXT NOT NULL REFERENCES bed (id),
    moved_at TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX stay_transfer_stay ON stay_transfer (stay_id);

-- Vital signs, taken at a visit or during a stay. `warnings` lists the fields whose
-- values were implausible but possible, comma-separated.
CREATE TABLE vital_signs (
    id TEXT PRIMARY KEY,
    site_id TEXT NOT NULL,
    person_id TEXT NOT NULL REFERENCES person (id),
    facility_id TEXT NOT NULL REFERENCES facility (id),
    visit_id TEXT REFERENCES visit (id),
    stay_id TEXT REFERENCES stay (id),
    taken_at TEXT NOT NULL,
    temperature_c REAL,
    pulse INTEGER,
    respiratory_rate INTEGER,
    systolic INTEGER,
    diastolic INTEGER,
    spo2 INTEGER,
    weight_kg REAL,
    height_cm REAL,
    muac_mm INTEGER,
    warnings TEXT NOT NULL DEFAULT '',
    entered_in_error_at TEXT,
    entered_in_error_by TEXT,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX vital_signs_person ON vital_signs (person_id, taken_at);
CREATE INDEX vital_signs_visit ON vital_signs (visit_id);
CREATE INDEX vital_signs_stay ON vital_signs (stay_id, taken_at);

CREATE TABLE diagnosis (
    id TEXT PRIMARY KEY,
    site_id TEXT NOT NULL,
    person_id TEXT NOT NULL REFERENCES person (id),
    facility_id TEXT NOT NULL REFERENCES facility (id),
    visit_id TEXT REFERENCES visit (id),
    stay_id TEXT REFERENCES stay (id),
    icd10_code TEXT NOT NULL,
    certainty TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    recorded_at TEXT NOT NULL,
    entered_in_error_at TEXT,
    entered_in_error_by TEXT,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX diagnosis_person ON diagnosis (person_id, recorded_at);
CREATE INDEX diagnosis_visit ON diagnosis (visit_id);
CREATE INDEX diagnosis_stay ON diagnosis (stay_id);

CREATE TABLE referral (
    id TEXT PRIMARY KEY,
    site_id TEXT NOT NULL,
    person_id TEXT NOT NULL REFERENCES person (id),
    facility_id TEXT NOT NULL REFERENCES facility (id),
    visit_id TEXT REFERENCES visit (id),
    stay_id TEXT REFERENCES stay (id),
    to_facility_id TEXT REFERENCES facility (id),
    to_partner TEXT NOT NULL DEFAULT '',
    reason TEXT NOT NULL,
    urgency TEXT NOT NULL,
    referred_at TEXT NOT NULL,
    entered_in_error_at TEXT,
    entered_in_error_by TEXT,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX referral_person ON referral (person_id, referred_at);
CREATE INDEX referral_visit ON referral (visit_id);

CREATE TABLE progress_note (
    id TEXT PRIMARY KEY,
    site_id TEXT NOT NULL,
    person_id TEXT NOT NULL REFERENCES person (id),
    facility_id TEXT NOT NULL REFERENCES facility (id),
    stay_id TEXT NOT NULL REFERENCES stay (id),
    written_at TEXT NOT NULL,
    note TEXT NOT NULL,
    entered_in_error_at TEXT,
    entered_in_error_by TEXT,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX progress_note_stay ON progress_note (stay_id, written_at);
CREATE INDEX progress_note_person ON progress_note (person_id, written_at);

-- A prescription from a visit or a stay; `dispensed` is kept in step with the
-- dispense movements written against it in the same transaction.
CREATE TABLE prescription (
    id TEXT PRIMARY KEY,
    site_id TEXT NOT NULL,
    person_id TEXT NOT NULL REFERENCES person (id),
    facility_id TEXT NOT NULL REFERENCES facility (id),
    visit_id TEXT REFERENCES visit (id),
    stay_id TEXT REFERENCES stay (id),
    medicine_code TEXT NOT NULL,
    dose TEXT NOT NULL,
    route TEXT NOT NULL,
    frequency TEXT NOT NULL,
    duration_days INTEGER,
    quantity INTEGER NOT NULL CHECK (quantity > 0),
    dispensed INTEGER NOT NULL DEFAULT 0 CHECK (dispensed >= 0 AND dispensed <= quantity),
    instructions TEXT NOT NULL DEFAULT '',
    prescribed_at TEXT NOT NULL,
    entered_in_error_at TEXT,
    entered_in_error_by TEXT,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX prescription_person ON prescription (person_id, prescribed_at);
CREATE INDEX prescription_facility ON prescription (facility_id, prescribed_at);
CREATE INDEX prescription_visit ON prescription (visit_id);
CREATE INDEX prescription_stay ON prescription (stay_id);

-- A dose given (or not) on a stay's medication administration record.
CREATE TABLE medication_administration (
    id TEXT PRIMARY KEY,
    site_id TEXT NOT NULL,
    person_id TEXT NOT NULL REFERENCES person (id),
    facility_id TEXT NOT NULL REFERENCES facility (id),
    stay_id TEXT NOT NULL REFERENCES stay (id),
    prescription_id TEXT NOT NULL REFERENCES prescription (id),
    status TEXT NOT NULL,
    given_at TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    entered_in_error_at TEXT,
    entered_in_error_by TEXT,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX medication_administration_stay ON medication_administration (stay_id, given_at);

-- A laboratory order: one test of the catalogue. `sensitive` is 'hiv' for the tests
-- of that class, copied from the catalogue so that every query can leave them out
-- for readers without the permission. `flag` is the worst flag of its results.
CREATE TABLE lab_order (
    id TEXT PRIMARY KEY,
    site_id TEXT NOT NULL,
    person_id TEXT NOT NULL REFERENCES person (id),
    facility_id TEXT NOT NULL REFERENCES facility (id),
    visit_id TEXT REFERENCES visit (id),
    stay_id TEXT REFERENCES stay (id),
    test_code TEXT NOT NULL,
    sensitive TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL
        CHECK (state IN ('ordered', 'sample_taken', 'in_progress', 'resulted', 'verified')),
    clinical_note TEXT NOT NULL DEFAULT '',
    ordered_at TEXT NOT NULL,
    ordered_by TEXT NOT NULL,
    sample_taken_at TEXT,
    resulted_at TEXT,
    resulted_by TEXT,
    verified_at TEXT,
    verified_by TEXT,
    flag TEXT NOT NULL DEFAULT '',
    seen_at TEXT,
    seen_by TEXT,
    entered_in_error_at TEXT,
    entered_in_error_by TEXT,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX lab_order_worklist ON lab_order (facility_id, state, ordered_at);
CREATE INDEX lab_order_person ON lab_order (person_id, ordered_at);
CREATE INDEX lab_order_person_resulted ON lab_order (person_id, resulted_at);
CREATE INDEX lab_order_visit ON lab_order (visit_id);
CREATE INDEX lab_order_stay ON lab_order (stay_id);
CREATE INDEX lab_order_to_see ON lab_order (ordered_by, seen_at);

-- One result per component of an order's test, with the range and flag that applied.
CREATE TABLE lab_result (
    id TEXT PRIMARY KEY,
    site_id TEXT NOT NULL,
    order_id TEXT NOT NULL REFERENCES lab_order (id),
    component_code TEXT NOT NULL,
    value_number REAL,
    value_code TEXT NOT NULL DEFAULT '',
    unit TEXT NOT NULL DEFAULT '',
    range_low REAL,
    range_high REAL,
    flag TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    UNIQUE (order_id, component_code)
);

-- A batch of a medicine in a facility's stock. `on_hand` never goes below zero, and
-- changes only with a stock_movement row written in the same transaction.
CREATE TABLE stock_batch (
    id TEXT PRIMARY KEY,
    site_id TEXT NOT NULL,
    facility_id TEXT NOT NULL REFERENCES facility (id),
    medicine_code TEXT NOT NULL,
    batch_number TEXT NOT NULL,
    expires_on TEXT NOT NULL,
    on_hand INTEGER NOT NULL CHECK (on_hand >= 0),
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    UNIQUE (facility_id, medicine_code, batch_number)
);
CREATE INDEX stock_batch_medicine ON stock_batch (facility_id, medicine_code, expires_on);

-- Every change of stock: append-only. `quantity` is signed (a dispense is negative);
-- `balance` is the batch's on_hand after it.
CREATE TABLE stock_movement (
    id TEXT PRIMARY KEY,
    site_id TEXT NOT NULL,
    facility_id TEXT NOT NULL REFERENCES facility (id),
    batch_id TEXT NOT NULL REFERENCES stock_batch (id),
    medicine_code TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('receipt', 'dispense', 'issue', 'adjustment', 'count')),
    quantity INTEGER NOT NULL,
    balance INTEGER NOT NULL CHECK (balance >= 0),
    reason TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    prescription_id TEXT REFERENCES prescription (id),
    person_id TEXT REFERENCES person (id),
    moved_at TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX stock_movement_batch ON stock_movement (batch_id, moved_at);
CREATE INDEX stock_movement_facility ON stock_movement (facility_id, moved_at);
CREATE INDEX stock_movement_prescription ON stock_movement (prescription_id);
CREATE INDEX stock_movement_person ON stock_movement (person_id, moved_at);

-- Treatments provided (visits and stays) per facility, month, sex and age band: an
-- indicator kept up to date in the same transaction as the visit or stay, never
-- recomputed. Derived data, so it has no id or version.
CREATE TABLE treatment_count (
    facility_id TEXT NOT NULL REFERENCES facility (id),
    month TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('visit', 'stay')),
    sex TEXT NOT NULL,
    age_band TEXT NOT NULL,
    total INTEGER NOT NULL,
    PRIMARY KEY (facility_id, month, kind, sex, age_band)
);
