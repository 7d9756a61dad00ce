-- Growth monitoring and nutrition (issue 5): measurements of a person at any visit, and
-- the malnutrition programme (admissions to OTP / SC / supplementary feeding, weekly
-- follow-ups, discharges). Only what was measured is stored; z-scores are computed
-- from it with WHO's tables when read (see docs/architecture.md). Nothing is deleted:
-- a record entered in error is marked so, with who and why.

CREATE TABLE growth_measurement (
    id UUID PRIMARY KEY,
    site_id UUID NOT NULL,
    person_id UUID NOT NULL REFERENCES person (id),
    facility_id UUID REFERENCES facility (id),
    -- The clinic's visit, linked by the lead after merging; no foreign key yet.
    visit_id UUID,
    measured_on DATE NOT NULL,
    weight_kg DOUBLE PRECISION,
    length_cm DOUBLE PRECISION,
    position TEXT CHECK (position IN ('lying', 'standing')),
    head_cm DOUBLE PRECISION,
    muac_mm DOUBLE PRECISION,
    triceps_mm DOUBLE PRECISION,
    subscapular_mm DOUBLE PRECISION,
    oedema BOOLEAN NOT NULL DEFAULT FALSE,
    note TEXT NOT NULL DEFAULT '',
    entered_in_error_at TIMESTAMPTZ,
    entered_in_error_by UUID,
    entered_in_error_reason TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL,
    created_by UUID NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    updated_by UUID NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    CHECK ((length_cm IS NULL) = (position IS NULL))
);
CREATE INDEX growth_measurement_person ON growth_measurement (person_id, measured_on);
CREATE INDEX growth_measurement_facility ON growth_measurement (facility_id, measured_on);

CREATE TABLE nutrition_admission (
    id UUID PRIMARY KEY,
    site_id UUID NOT NULL,
    person_id UUID NOT NULL REFERENCES person (id),
    facility_id UUID NOT NULL REFERENCES facility (id),
    programme TEXT NOT NULL CHECK (programme IN ('otp', 'sc', 'tsfp')),
    admitted_on DATE NOT NULL,
    admitted_by_indicator TEXT NOT NULL
        CHECK (admitted_by_indicator IN ('oedema', 'whz', 'muac', 'whz_and_muac')),
    measurement_id UUID REFERENCES growth_measurement (id),
    complications BOOLEAN NOT NULL DEFAULT FALSE,
    appetite_test TEXT NOT NULL CHECK (appetite_test IN ('passed', 'failed', 'not_done')),
    discharged_on DATE,
    outcome TEXT CHECK (outcome IN ('cured', 'died', 'defaulted', 'non_responder', 'transferred')),
    discharge_note TEXT NOT NULL DEFAULT '',
    entered_in_error_at TIMESTAMPTZ,
    entered_in_error_by UUID,
    entered_in_error_reason TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL,
    created_by UUID NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    updated_by UUID NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    CHECK ((discharged_on IS NULL) = (outcome IS NULL))
);
CREATE INDEX nutrition_admission_person ON nutrition_admission (person_id);
CREATE INDEX nutrition_admission_facility ON nutrition_admission (facility_id, discharged_on);
-- A child is in one programme at a time.
CREATE UNIQUE INDEX nutrition_admission_open ON nutrition_admission (person_id)
    WHERE discharged_on IS NULL AND entered_in_error_at IS NULL;

CREATE TABLE nutrition_follow_up (
    id UUID PRIMARY KEY,
    site_id UUID NOT NULL,
    admission_id UUID NOT NULL REFERENCES nutrition_admission (id),
    measurement_id UUID NOT NULL REFERENCES growth_measurement (id),
    followed_on DATE NOT NULL,
    appetite_test TEXT NOT NULL CHECK (appetite_test IN ('passed', 'failed', 'not_done')),
    note TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL,
    created_by UUID NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    updated_by UUID NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX nutrition_follow_up_admission ON nutrition_follow_up (admission_id, followed_on);
