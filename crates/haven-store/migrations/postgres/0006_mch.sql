-- Mother and child health: pregnancies and antenatal contacts (HIV screening results
-- in a table of their own, a sensitive class), deliveries and their babies, postnatal
-- contacts, family planning visits, immunisation doses, and the compact table of
-- valid doses per child and antigen that coverage is counted from.
-- Ids are UUIDv7; instants are timestamptz; dates are DATE.
-- `visit_id` is a nullable link to an outpatient visit (no foreign key yet).

CREATE TABLE pregnancy (
    id UUID PRIMARY KEY,
    site_id UUID NOT NULL,
    person_id UUID NOT NULL REFERENCES person (id),
    facility_id UUID NOT NULL REFERENCES facility (id),
    registered_on DATE NOT NULL,
    lmp DATE,
    ultrasound_on DATE,
    ultrasound_ga_days BIGINT,
    dating_lmp DATE NOT NULL,           -- the LMP the pregnancy is dated from
    dating_basis TEXT NOT NULL,         -- lmp | ultrasound
    edd DATE NOT NULL,
    gravida BIGINT NOT NULL,
    para BIGINT NOT NULL,
    risk_factors TEXT NOT NULL DEFAULT '',
    notes TEXT NOT NULL DEFAULT '',
    delivered_on DATE,                  -- set by the delivery record
    visit_id TEXT,
    entered_in_error_at TIMESTAMPTZ,
    entered_in_error_by UUID,
    entered_in_error_reason TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL,
    created_by UUID NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    updated_by UUID NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX pregnancy_person ON pregnancy (person_id);
CREATE INDEX pregnancy_facility_open ON pregnancy (facility_id, delivered_on);

CREATE TABLE anc_contact (
    id UUID PRIMARY KEY,
    site_id UUID NOT NULL,
    pregnancy_id UUID NOT NULL REFERENCES pregnancy (id),
    person_id UUID NOT NULL REFERENCES person (id),
    facility_id UUID NOT NULL REFERENCES facility (id),
    contact_on DATE NOT NULL,
    contact_number BIGINT NOT NULL,    -- the WHO schedule's contact it counts as
    gestational_age_days BIGINT NOT NULL,
    systolic BIGINT,
    diastolic BIGINT,
    weight_kg DOUBLE PRECISION,
    fundal_height_cm DOUBLE PRECISION,
    fetal_heart_bpm BIGINT,
    haemoglobin_g_dl DOUBLE PRECISION,
    syphilis_result TEXT NOT NULL DEFAULT '',
    td_given BOOLEAN NOT NULL DEFAULT FALSE,
    iron_folic_acid BOOLEAN NOT NULL DEFAULT FALSE,
    danger_signs TEXT NOT NULL DEFAULT '',
    urgent BOOLEAN NOT NULL DEFAULT FALSE,
    notes TEXT NOT NULL DEFAULT '',
    visit_id TEXT,
    entered_in_error_at TIMESTAMPTZ,
    entered_in_error_by UUID,
    entered_in_error_reason TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL,
    created_by UUID NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    updated_by UUID NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX anc_contact_pregnancy ON anc_contact (pregnancy_id, contact_on);

-- HIV results: read only with the HIV permission, never joined into other reads.
CREATE TABLE hiv_screening (
    id UUID PRIMARY KEY,
    site_id UUID NOT NULL,
    person_id UUID NOT NULL REFERENCES person (id),
    pregnancy_id UUID REFERENCES pregnancy (id),
    anc_contact_id UUID REFERENCES anc_contact (id),
    facility_id UUID NOT NULL REFERENCES facility (id),
    tested_on DATE NOT NULL,
    result TEXT NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    created_by UUID NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    updated_by UUID NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX hiv_screening_pregnancy ON hiv_screening (pregnancy_id);

CREATE TABLE delivery (
    id UUID PRIMARY KEY,
    site_id UUID NOT NULL,
    pregnancy_id UUID NOT NULL UNIQUE REFERENCES pregnancy (id),
    person_id UUID NOT NULL REFERENCES person (id),
    facility_id UUID NOT NULL REFERENCES facility (id),
    delivered_on DATE NOT NULL,
    delivered_time TEXT NOT NULL DEFAULT '',   -- HH:MM in the site's time, or ''
    gestational_age_days BIGINT NOT NULL,
    place TEXT NOT NULL,
    attendant TEXT NOT NULL,
    mode TEXT NOT NULL,
    complications TEXT NOT NULL DEFAULT '',
    mother_outcome TEXT NOT NULL,
    notes TEXT NOT NULL DEFAULT '',
    visit_id TEXT,
    created_at TIMESTAMPTZ NOT NULL,
    created_by UUID NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    updated_by UUID NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX delivery_facility ON delivery (facility_id, delivered_on);

CREATE TABLE delivery_baby (
    id UUID PRIMARY KEY,
    site_id UUID NOT NULL,
    delivery_id UUID NOT NULL REFERENCES delivery (id),
    position BIGINT NOT NULL,
    outcome TEXT NOT NULL,              -- live_birth | still_birth_fresh | still_birth_macerated
    sex TEXT NOT NULL,
    weight_g BIGINT,
    low_birth_weight BOOLEAN NOT NULL DEFAULT FALSE,
    person_id UUID REFERENCES person (id),   -- the registry record of a live-born baby
    created_at TIMESTAMPTZ NOT NULL,
    created_by UUID NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    updated_by UUID NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    UNIQUE (delivery_id, position)
);
CREATE INDEX delivery_baby_person ON delivery_baby (person_id);

CREATE TABLE pnc_contact (
    id UUID PRIMARY KEY,
    site_id UUID NOT NULL,
    delivery_id UUID NOT NULL REFERENCES delivery (id),
    person_id UUID NOT NULL REFERENCES person (id),  -- the mother or a baby
    facility_id UUID NOT NULL REFERENCES facility (id),
    contact_on DATE NOT NULL,
    contact_number BIGINT NOT NULL,
    day_after_birth BIGINT NOT NULL,
    temperature_c DOUBLE PRECISION,
    weight_g BIGINT,
    breastfeeding BOOLEAN NOT NULL DEFAULT FALSE,
    danger_signs TEXT NOT NULL DEFAULT '',
    urgent BOOLEAN NOT NULL DEFAULT FALSE,
    notes TEXT NOT NULL DEFAULT '',
    visit_id TEXT,
    entered_in_error_at TIMESTAMPTZ,
    entered_in_error_by UUID,
    entered_in_error_reason TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL,
    created_by UUID NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    updated_by UUID NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX pnc_contact_delivery ON pnc_contact (delivery_id, person_id);

CREATE TABLE fp_visit (
    id UUID PRIMARY KEY,
    site_id UUID NOT NULL,
    person_id UUID NOT NULL REFERENCES person (id),
    facility_id UUID NOT NULL REFERENCES facility (id),
    visit_on DATE NOT NULL,
    counselled BOOLEAN NOT NULL DEFAULT FALSE,
    method TEXT NOT NULL DEFAULT '',
    quantity BIGINT,
    follow_up_on DATE,
    notes TEXT NOT NULL DEFAULT '',
    visit_id TEXT,
    entered_in_error_at TIMESTAMPTZ,
    entered_in_error_by UUID,
    entered_in_error_reason TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL,
    created_by UUID NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    updated_by UUID NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX fp_visit_person ON fp_visit (person_id, visit_on);
CREATE INDEX fp_visit_facility ON fp_visit (facility_id, follow_up_on);

CREATE TABLE immunisation_dose (
    id UUID PRIMARY KEY,
    site_id UUID NOT NULL,
    person_id UUID NOT NULL REFERENCES person (id),
    facility_id UUID NOT NULL REFERENCES facility (id),
    antigen TEXT NOT NULL,              -- the schedule's antigen code
    dose_number BIGINT NOT NULL,       -- as recorded (the engine decides what counts)
    cvx TEXT NOT NULL,
    given_on DATE NOT NULL,
    lot TEXT NOT NULL DEFAULT '',
    given_by TEXT NOT NULL DEFAULT '',  -- the vaccinator's name as written
    anc_contact_id UUID REFERENCES anc_contact (id),
    visit_id TEXT,
    entered_in_error_at TIMESTAMPTZ,
    entered_in_error_by UUID,
    entered_in_error_reason TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL,
    created_by UUID NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    updated_by UUID NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX immunisation_dose_person ON immunisation_dose (person_id, given_on);
CREATE INDEX immunisation_dose_facility ON immunisation_dose (facility_id);

-- Derived: each child's valid doses per antigen, rewritten in the transaction of
-- every dose written, so coverage counts one row per child and antigen.
CREATE TABLE immunisation_status (
    person_id UUID NOT NULL REFERENCES person (id),
    antigen TEXT NOT NULL,
    valid_doses BIGINT NOT NULL,
    last_valid_on DATE,
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (person_id, antigen)
);
