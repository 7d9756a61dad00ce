-- The medical centre's daily work (issue 4): outpatient visits and the queue, vital
-- signs, diagnoses, referrals, inpatient stays with transfers, progress notes and
-- medication administration, laboratory orders and results, prescriptions, stock
-- batches with their movements, the counts of treatments provided, and the one-time
-- tokens of forms.
-- Clinical records are never deleted: entered in error is a mark (who, when, why).

-- A form's one-time token, written in the same transaction as the record the form
-- made: a second submit of the same form finds the token and leads to that record.
CREATE TABLE form_once (
    token TEXT PRIMARY KEY,
    entity TEXT NOT NULL,
    record_id TEXT NOT NULL,
    used_at TIMESTAMPTZ NOT NULL,
    used_by UUID NOT NULL
);

-- An outpatient visit at a facility, from check-in to its outcome.
CREATE TABLE visit (
    id UUID PRIMARY KEY,
    site_id UUID NOT NULL,
    person_id UUID NOT NULL REFERENCES person (id),
    facility_id UUID NOT NULL REFERENCES facility (id),
    visit_type TEXT NOT NULL,
    queue_state TEXT NOT NULL CHECK (queue_state IN ('waiting', 'with_clinician', 'done')),
    checked_in_at TIMESTAMPTZ NOT NULL,
    seen_at TIMESTAMPTZ,
    clinician_id UUID,
    ended_at TIMESTAMPTZ,
    complaint TEXT NOT NULL DEFAULT '',
    history TEXT NOT NULL DEFAULT '',
    examination TEXT NOT NULL DEFAULT '',
    plan TEXT NOT NULL DEFAULT '',
    follow_up_on DATE,
    outcome TEXT NOT NULL DEFAULT '',
    -- What the treatment count was incremented under, so that marking the visit
    -- entered in error takes back exactly that count.
    count_month TEXT NOT NULL,
    count_sex TEXT NOT NULL,
    count_age_band TEXT NOT NULL,
    entered_in_error_at TIMESTAMPTZ,
    entered_in_error_by UUID,
    entered_in_error_reason TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL,
    created_by UUID NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    updated_by UUID NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX visit_person ON visit (person_id, checked_in_at);
CREATE INDEX visit_queue ON visit (facility_id, queue_state, checked_in_at);

-- An inpatient stay. One current stay per bed and per person.
CREATE TABLE stay (
    id UUID PRIMARY KEY,
    site_id UUID NOT NULL,
    person_id UUID NOT NULL REFERENCES person (id),
    facility_id UUID NOT NULL REFERENCES facility (id),
    visit_id UUID REFERENCES visit (id),
    ward_id UUID NOT NULL REFERENCES ward (id),
    bed_id UUID NOT NULL REFERENCES bed (id),
    admitted_at TIMESTAMPTZ NOT NULL,
    admitted_by UUID NOT NULL,
    reason TEXT NOT NULL,
    discharged_at TIMESTAMPTZ,
    discharged_by UUID,
    outcome TEXT NOT NULL DEFAULT '',
    cause_of_death TEXT NOT NULL DEFAULT '',
    summary TEXT NOT NULL DEFAULT '',
    count_month TEXT NOT NULL,
    count_sex TEXT NOT NULL,
    count_age_band TEXT NOT NULL,
    entered_in_error_at TIMESTAMPTZ,
    entered_in_error_by UUID,
    entered_in_error_reason TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL,
    created_by UUID NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    updated_by UUID NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
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
    id UUID PRIMARY KEY,
    site_id UUID NOT NULL,
    stay_id UUID NOT NULL REFERENCES stay (id),
    from_bed_id UUID NOT NULL REFERENCES bed (id),
    to_bed_id UUID NOT NULL REFERENCES bed (id),
    moved_at TIMESTAMPTZ NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    created_by UUID NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    updated_by UUID NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX stay_transfer_stay ON stay_transfer (stay_id);

-- Vital signs, taken at a visit or during a stay. `warnings` lists the fields whose
-- values were implausible but possible, comma-separated.
CREATE TABLE vital_signs (
    id UUID PRIMARY KEY,
    site_id UUID NOT NULL,
    person_id UUID NOT NULL REFERENCES person (id),
    facility_id UUID NOT NULL REFERENCES facility (id),
    visit_id UUID REFERENCES visit (id),
    stay_id UUID REFERENCES stay (id),
    taken_at TIMESTAMPTZ NOT NULL,
    temperature_c DOUBLE PRECISION,
    pulse BIGINT,
    respiratory_rate BIGINT,
    systolic BIGINT,
    diastolic BIGINT,
    spo2 BIGINT,
    weight_kg DOUBLE PRECISION,
    height_cm DOUBLE PRECISION,
    muac_mm BIGINT,
    warnings TEXT NOT NULL DEFAULT '',
    entered_in_error_at TIMESTAMPTZ,
    entered_in_error_by UUID,
    created_at TIMESTAMPTZ NOT NULL,
    created_by UUID NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    updated_by UUID NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX vital_signs_person ON vital_signs (person_id, taken_at);
CREATE INDEX vital_signs_visit ON vital_signs (visit_id);
CREATE INDEX vital_signs_stay ON vital_signs (stay_id, taken_at);

CREATE TABLE diagnosis (
    id UUID PRIMARY KEY,
    site_id UUID NOT NULL,
    person_id UUID NOT NULL REFERENCES person (id),
    facility_id UUID NOT NULL REFERENCES facility (id),
    visit_id UUID REFERENCES visit (id),
    stay_id UUID REFERENCES stay (id),
    icd10_code TEXT NOT NULL,
    certainty TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    recorded_at TIMESTAMPTZ NOT NULL,
    entered_in_error_at TIMESTAMPTZ,
    entered_in_error_by UUID,
    created_at TIMESTAMPTZ NOT NULL,
    created_by UUID NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    updated_by UUID NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX diagnosis_person ON diagnosis (person_id, recorded_at);
CREATE INDEX diagnosis_visit ON diagnosis (visit_id);
CREATE INDEX diagnosis_stay ON diagnosis (stay_id);

CREATE TABLE referral (
    id UUID PRIMARY KEY,
    site_id UUID NOT NULL,
    person_id UUID NOT NULL REFERENCES person (id),
    facility_id UUID NOT NULL REFERENCES facility (id),
    visit_id UUID REFERENCES visit (id),
    stay_id UUID REFERENCES stay (id),
    to_facility_id UUID REFERENCES facility (id),
    to_partner TEXT NOT NULL DEFAULT '',
    reason TEXT NOT NULL,
    urgency TEXT NOT NULL,
    referred_at TIMESTAMPTZ NOT NULL,
    entered_in_error_at TIMESTAMPTZ,
    entered_in_error_by UUID,
    created_at TIMESTAMPTZ NOT NULL,
    created_by UUID NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    updated_by UUID NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX referral_person ON referral (person_id, referred_at);
CREATE INDEX referral_visit ON referral (visit_id);

CREATE TABLE progress_note (
    id UUID PRIMARY KEY,
    site_id UUID NOT NULL,
    person_id UUID NOT NULL REFERENCES person (id),
    facility_id UUID NOT NULL REFERENCES facility (id),
    stay_id UUID NOT NULL REFERENCES stay (id),
    written_at TIMESTAMPTZ NOT NULL,
    note TEXT NOT NULL,
    entered_in_error_at TIMESTAMPTZ,
    entered_in_error_by UUID,
    created_at TIMESTAMPTZ NOT NULL,
    created_by UUID NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    updated_by UUID NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX progress_note_stay ON progress_note (stay_id, written_at);
CREATE INDEX progress_note_person ON progress_note (person_id, written_at);

-- A prescription from a visit or a stay; `dispensed` is kept in step with the
-- dispense movements written against it in the same transaction.
CREATE TABLE prescription (
    id UUID PRIMARY KEY,
    site_id UUID NOT NULL,
    person_id UUID NOT NULL REFERENCES person (id),
    facility_id UUID NOT NULL REFERENCES facility (id),
    visit_id UUID REFERENCES visit (id),
    stay_id UUID REFERENCES stay (id),
    medicine_code TEXT NOT NULL,
    dose TEXT NOT NULL,
    route TEXT NOT NULL,
    frequency TEXT NOT NULL,
    duration_days BIGINT,
    quantity BIGINT NOT NULL CHECK (quantity > 0),
    dispensed BIGINT NOT NULL DEFAULT 0 CHECK (dispensed >= 0 AND dispensed <= quantity),
    instructions TEXT NOT NULL DEFAULT '',
    prescribed_at TIMESTAMPTZ NOT NULL,
    entered_in_error_at TIMESTAMPTZ,
    entered_in_error_by UUID,
    created_at TIMESTAMPTZ NOT NULL,
    created_by UUID NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    updated_by UUID NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX prescription_person ON prescription (person_id, prescribed_at);
CREATE INDEX prescription_facility ON prescription (facility_id, prescribed_at);
CREATE INDEX prescription_visit ON prescription (visit_id);
CREATE INDEX prescription_stay ON prescription (stay_id);

-- A dose given (or not) on a stay's medication administration record.
CREATE TABLE medication_administration (
    id UUID PRIMARY KEY,
    site_id UUID NOT NULL,
    person_id UUID NOT NULL REFERENCES person (id),
    facility_id UUID NOT NULL REFERENCES facility (id),
    stay_id UUID NOT NULL REFERENCES stay (id),
    prescription_id UUID NOT NULL REFERENCES prescription (id),
    status TEXT NOT NULL,
    given_at TIMESTAMPTZ NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    entered_in_error_at TIMESTAMPTZ,
    entered_in_error_by UUID,
    created_at TIMESTAMPTZ NOT NULL,
    created_by UUID NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    updated_by UUID NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX medication_administration_stay ON medication_administration (stay_id, given_at);

-- A laboratory order: one test of the catalogue. `sensitive` is 'hiv' for the tests
-- of that class, copied from the catalogue so that every query can leave them out
-- for readers without the permission. `flag` is the worst flag of its results.
CREATE TABLE lab_order (
    id UUID PRIMARY KEY,
    site_id UUID NOT NULL,
    person_id UUID NOT NULL REFERENCES person (id),
    facility_id UUID NOT NULL REFERENCES facility (id),
    visit_id UUID REFERENCES visit (id),
    stay_id UUID REFERENCES stay (id),
    test_code TEXT NOT NULL,
    sensitive TEXT NOT NULL DEFAULT '',
    state TEXT NOT NULL
        CHECK (state IN ('ordered', 'sample_taken', 'in_progress', 'resulted', 'verified')),
    clinical_note TEXT NOT NULL DEFAULT '',
    ordered_at TIMESTAMPTZ NOT NULL,
    ordered_by UUID NOT NULL,
    sample_taken_at TIMESTAMPTZ,
    resulted_at TIMESTAMPTZ,
    resulted_by UUID,
    verified_at TIMESTAMPTZ,
    verified_by UUID,
    flag TEXT NOT NULL DEFAULT '',
    seen_at TIMESTAMPTZ,
    seen_by UUID,
    entered_in_error_at TIMESTAMPTZ,
    entered_in_error_by UUID,
    created_at TIMESTAMPTZ NOT NULL,
    created_by UUID NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    updated_by UUID NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX lab_order_worklist ON lab_order (facility_id, state, ordered_at);
CREATE INDEX lab_order_person ON lab_order (person_id, ordered_at);
CREATE INDEX lab_order_person_resulted ON lab_order (person_id, resulted_at);
CREATE INDEX lab_order_visit ON lab_order (visit_id);
CREATE INDEX lab_order_stay ON lab_order (stay_id);
CREATE INDEX lab_order_to_see ON lab_order (ordered_by, seen_at);

-- One result per component of an order's test, with the range and flag that applied.
CREATE TABLE lab_result (
    id UUID PRIMARY KEY,
    site_id UUID NOT NULL,
    order_id UUID NOT NULL REFERENCES lab_order (id),
    component_code TEXT NOT NULL,
    value_number DOUBLE PRECISION,
    value_code TEXT NOT NULL DEFAULT '',
    unit TEXT NOT NULL DEFAULT '',
    range_low DOUBLE PRECISION,
    range_high DOUBLE PRECISION,
    flag TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    created_by UUID NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    updated_by UUID NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    UNIQUE (order_id, component_code)
);

-- A batch of a medicine in a facility's stock. `on_hand` never goes below zero, and
-- changes only with a stock_movement row written in the same transaction.
CREATE TABLE stock_batch (
    id UUID PRIMARY KEY,
    site_id UUID NOT NULL,
    facility_id UUID NOT NULL REFERENCES facility (id),
    medicine_code TEXT NOT NULL,
    batch_number TEXT NOT NULL,
    expires_on DATE NOT NULL,
    on_hand BIGINT NOT NULL CHECK (on_hand >= 0),
    created_at TIMESTAMPTZ NOT NULL,
    created_by UUID NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    updated_by UUID NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    UNIQUE (facility_id, medicine_code, batch_number)
);
CREATE INDEX stock_batch_medicine ON stock_batch (facility_id, medicine_code, expires_on);

-- Every change of stock: append-only. `quantity` is signed (a dispense is negative);
-- `balance` is the batch's on_hand after it.
CREATE TABLE stock_movement (
    id UUID PRIMARY KEY,
    site_id UUID NOT NULL,
    facility_id UUID NOT NULL REFERENCES facility (id),
    batch_id UUID NOT NULL REFERENCES stock_batch (id),
    medicine_code TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('receipt', 'dispense', 'issue', 'adjustment', 'count')),
    quantity BIGINT NOT NULL,
    balance BIGINT NOT NULL CHECK (balance >= 0),
    reason TEXT NOT NULL DEFAULT '',
    note TEXT NOT NULL DEFAULT '',
    prescription_id UUID REFERENCES prescription (id),
    person_id UUID REFERENCES person (id),
    moved_at TIMESTAMPTZ NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    created_by UUID NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    updated_by UUID NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX stock_movement_batch ON stock_movement (batch_id, moved_at);
CREATE INDEX stock_movement_facility ON stock_movement (facility_id, moved_at);
CREATE INDEX stock_movement_prescription ON stock_movement (prescription_id);
CREATE INDEX stock_movement_person ON stock_movement (person_id, moved_at);

-- Treatments provided (visits and stays) per facility, month, sex and age band: an
-- indicator kept up to date in the same transaction as the visit or stay, never
-- recomputed. Derived data, so it has no id or version.
CREATE TABLE treatment_count (
    facility_id UUID NOT NULL REFERENCES facility (id),
    month TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('visit', 'stay')),
    sex TEXT NOT NULL,
    age_band TEXT NOT NULL,
    total BIGINT NOT NULL,
    PRIMARY KEY (facility_id, month, kind, sex, age_band)
);
