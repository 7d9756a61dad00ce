-- Mother and child health: pregnancies and antenatal contacts (HIV screening results
-- in a table of their own, a sensitive class), deliveries and their babies, postnatal
-- contacts, family planning visits, immunisation doses, and the compact table of
-- valid doses per child and antigen that coverage is counted from.
-- Ids are UUIDv7 as text; instants are UTC text; dates are 'YYYY-MM-DD'.
-- `visit_id` is a nullable link to an outpatient visit (no foreign key yet).

CREATE TABLE pregnancy (
    id TEXT PRIMARY KEY,
    site_id TEXT NOT NULL,
    person_id TEXT NOT NULL REFERENCES person (id),
    facility_id TEXT NOT NULL REFERENCES facility (id),
    registered_on TEXT NOT NULL,
    lmp TEXT,
    ultrasound_on TEXT,
    ultrasound_ga_days INTEGER,
    dating_lmp TEXT NOT NULL,           -- the LMP the pregnancy is dated from
    dating_basis TEXT NOT NULL,         -- lmp | ultrasound
    edd TEXT NOT NULL,
    gravida INTEGER NOT NULL,
    para INTEGER NOT NULL,
    risk_factors TEXT NOT NULL DEFAULT '',
    notes TEXT NOT NULL DEFAULT '',
    delivered_on TEXT,                  -- set by the delivery record
    visit_id TEXT,
    entered_in_error_at TEXT,
    entered_in_error_by TEXT,
    entered_in_error_reason TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX pregnancy_person ON pregnancy (person_id);
CREATE INDEX pregnancy_facility_open ON pregnancy (facility_id, delivered_on);

CREATE TABLE anc_contact (
    id TEXT PRIMARY KEY,
    site_id TEXT NOT NULL,
    pregnancy_id TEXT NOT NULL REFERENCES pregnancy (id),
    person_id TEXT NOT NULL REFERENCES person (id),
    facility_id TEXT NOT NULL REFERENCES facility (id),
    contact_on TEXT NOT NULL,
    contact_number INTEGER NOT NULL,    -- the WHO schedule's contact it counts as
    gestational_age_days INTEGER NOT NULL,
    systolic INTEGER,
    diastolic INTEGER,
    weight_kg REAL,
    fundal_height_cm REAL,
    fetal_heart_bpm INTEGER,
    haemoglobin_g_dl REAL,
    syphilis_result TEXT NOT NULL DEFAULT '',
    td_given INTEGER NOT NULL DEFAULT 0,
    iron_folic_acid INTEGER NOT NULL DEFAULT 0,
    danger_signs TEXT NOT NULL DEFAULT '',
    urgent INTEGER NOT NULL DEFAULT 0,
    notes TEXT NOT NULL DEFAULT '',
    visit_id TEXT,
    entered_in_error_at TEXT,
    entered_in_error_by TEXT,
    entered_in_error_reason TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX anc_contact_pregnancy ON anc_contact (pregnancy_id, contact_on);

-- HIV results: read only with the HIV permission, never joined into other reads.
CREATE TABLE hiv_screening (
    id TEXT PRIMARY KEY,
    site_id TEXT NOT NULL,
    person_id TEXT NOT NULL REFERENCES person (id),
    pregnancy_id TEXT REFERENCES pregnancy (id),
    anc_contact_id TEXT REFERENCES anc_contact (id),
    facility_id TEXT NOT NULL REFERENCES facility (id),
    tested_on TEXT NOT NULL,
    result TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX hiv_screening_pregnancy ON hiv_screening (pregnancy_id);

CREATE TABLE delivery (
    id TEXT PRIMARY KEY,
    site_id TEXT NOT NULL,
    pregnancy_id TEXT NOT NULL UNIQUE REFERENCES pregnancy (id),
    person_id TEXT NOT NULL REFERENCES person (id),
    facility_id TEXT NOT NULL REFERENCES facility (id),
    delivered_on TEXT NOT NULL,
    delivered_time TEXT NOT NULL DEFAULT '',   -- HH:MM in the site's time, or ''
    gestational_age_days INTEGER NOT NULL,
    place TEXT NOT NULL,
    attendant TEXT NOT NULL,
    mode TEXT NOT NULL,
    complications TEXT NOT NULL DEFAULT '',
    mother_outcome TEXT NOT NULL,
    notes TEXT NOT NULL DEFAULT '',
    visit_id TEXT,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX delivery_facility ON delivery (facility_id, delivered_on);

CREATE TABLE delivery_baby (
    id TEXT PRIMARY KEY,
    site_id TEXT NOT NULL,
    delivery_id TEXT NOT NULL REFERENCES delivery (id),
    position INTEGER NOT NULL,
    outcome TEXT NOT NULL,              -- live_birth | still_birth_fresh | still_birth_macerated
    sex TEXT NOT NULL,
    weight_g INTEGER,
    low_birth_weight INTEGER NOT NULL DEFAULT 0,
    person_id TEXT REFERENCES person (id),   -- the registry record of a live-born baby
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    UNIQUE (delivery_id, position)
);
CREATE INDEX delivery_baby_person ON delivery_baby (person_id);

CREATE TABLE pnc_contact (
    id TEXT PRIMARY KEY,
    site_id TEXT NOT NULL,
    delivery_id TEXT NOT NULL REFERENCES delivery (id),
    person_id TEXT NOT NULL REFERENCES person (id),  -- the mother or a baby
    facility_id TEXT NOT NULL REFERENCES facility (id),
    contact_on TEXT NOT NULL,
    contact_number INTEGER NOT NULL,
    day_after_birth INTEGER NOT NULL,
    temperature_c REAL,
    weight_g INTEGER,
    breastfeeding INTEGER NOT NULL DEFAULT 0,
    danger_signs TEXT NOT NULL DEFAULT '',
    urgent INTEGER NOT NULL DEFAULT 0,
    notes TEXT NOT NULL DEFAULT '',
    visit_id TEXT,
    entered_in_error_at TEXT,
    entered_in_error_by TEXT,
    entered_in_error_reason TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX pnc_contact_delivery ON pnc_contact (delivery_id, person_id);

CREATE TABLE fp_visit (
    id TEXT PRIMARY KEY,
    site_id TEXT NOT NULL,
    person_id TEXT NOT NULL REFERENCES person (id),
    facility_id TEXT NOT NULL REFERENCES facility (id),
    visit_on TEXT NOT NULL,
    counselled INTEGER NOT NULL DEFAULT 0,
    method TEXT NOT NULL DEFAULT '',
    quantity INTEGER,
    follow_up_on TEXT,
    notes TEXT NOT NULL DEFAULT '',
    visit_id TEXT,
    entered_in_error_at TEXT,
    entered_in_error_by TEXT,
    entered_in_error_reason TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX fp_visit_person ON fp_visit (person_id, visit_on);
CREATE INDEX fp_visit_facility ON fp_visit (facility_id, follow_up_on);

CREATE TABLE immunisation_dose (
    id TEXT PRIMARY KEY,
    site_id TEXT NOT NULL,
    person_id TEXT NOT NULL REFERENCES person (id),
    facility_id TEXT NOT NULL REFERENCES facility (id),
    antigen TEXT NOT NULL,              -- the schedule's antigen code
    dose_number INTEGER NOT NULL,       -- as recorded (the engine decides what counts)
    cvx TEXT NOT NULL,
    given_on TEXT NOT NULL,
    lot TEXT NOT NULL DEFAULT '',
    given_by TEXT NOT NULL DEFAULT '',  -- the vaccinator's name as written
    anc_contact_id TEXT REFERENCES anc_contact (id),
    visit_id TEXT,
    entered_in_error_at TEXT,
    entered_in_error_by TEXT,
    entered_in_error_reason TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX immunisation_dose_person ON immunisation_dose (person_id, given_on);
CREATE INDEX immunisation_dose_facility ON immunisation_dose (facility_id);

-- Derived: each child's valid doses per antigen, rewritten in the transaction of
-- every dose written, so coverage counts one row per child and antigen.
CREATE TABLE immunisation_status (
    person_id TEXT NOT NULL REFERENCES person (id),
    antigen TEXT NOT NULL,
    valid_doses INTEGER NOT NULL,
    last_valid_on TEXT,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (person_id, antigen)
);
