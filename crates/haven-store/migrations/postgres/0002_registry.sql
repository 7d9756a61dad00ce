-- The registry: places (countries, programmes, facilities, wards, beds), people with
-- their names in both scripts, identifiers, categories, relationships and merges,
-- the search tokens that find them, and staff with their trainings.
-- Released: never edit, add a migration.

CREATE TABLE country (
    id UUID PRIMARY KEY,
    site_id UUID NOT NULL,
    code TEXT NOT NULL UNIQUE,            -- ISO 3166-1 alpha-2, such as KH
    name TEXT NOT NULL,
    name_km TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL,
    created_by UUID NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    updated_by UUID NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);

-- An SOS programme location: a village and/or family strengthening, with its director.
CREATE TABLE programme (
    id UUID PRIMARY KEY,
    site_id UUID NOT NULL,
    country_code TEXT NOT NULL REFERENCES country (code),
    name TEXT NOT NULL,
    name_km TEXT NOT NULL DEFAULT '',
    province_code TEXT NOT NULL,          -- ISO 3166-2, such as KH-12
    district TEXT NOT NULL DEFAULT '',
    commune TEXT NOT NULL DEFAULT '',
    village TEXT NOT NULL DEFAULT '',
    latitude DOUBLE PRECISION,
    longitude DOUBLE PRECISION,
    closed_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL,
    created_by UUID NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    updated_by UUID NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX programme_province ON programme (province_code);

CREATE TABLE facility (
    id UUID PRIMARY KEY,
    site_id UUID NOT NULL,
    programme_id UUID NOT NULL REFERENCES programme (id),
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    name_km TEXT NOT NULL DEFAULT '',
    opened_on DATE,
    catchment_population BIGINT,
    closed_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL,
    created_by UUID NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    updated_by UUID NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX facility_programme ON facility (programme_id);

CREATE TABLE ward (
    id UUID PRIMARY KEY,
    site_id UUID NOT NULL,
    facility_id UUID NOT NULL REFERENCES facility (id),
    name TEXT NOT NULL,
    closed_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL,
    created_by UUID NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    updated_by UUID NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX ward_facility ON ward (facility_id);

CREATE TABLE bed (
    id UUID PRIMARY KEY,
    site_id UUID NOT NULL,
    ward_id UUID NOT NULL REFERENCES ward (id),
    label TEXT NOT NULL,
    closed_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL,
    created_by UUID NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    updated_by UUID NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX bed_ward ON bed (ward_id);

-- One row per human being across health and care. Names are kept as written.
CREATE TABLE person (
    id UUID PRIMARY KEY,
    site_id UUID NOT NULL,
    family_name_km TEXT NOT NULL DEFAULT '',
    given_name_km TEXT NOT NULL DEFAULT '',
    family_name_latin TEXT NOT NULL DEFAULT '',
    given_name_latin TEXT NOT NULL DEFAULT '',
    other_names TEXT NOT NULL DEFAULT '',
    nicknames TEXT NOT NULL DEFAULT '',
    sex TEXT NOT NULL CHECK (sex IN ('female', 'male', 'other', 'unknown')),
    birth_date DATE NOT NULL,
    birth_date_precision TEXT NOT NULL
        CHECK (birth_date_precision IN ('exact', 'month', 'year', 'estimated')),
    phone TEXT NOT NULL DEFAULT '',
    phone_key TEXT NOT NULL DEFAULT '',   -- digits only, national form
    province_code TEXT NOT NULL DEFAULT '',
    district TEXT NOT NULL DEFAULT '',
    commune TEXT NOT NULL DEFAULT '',
    village TEXT NOT NULL DEFAULT '',
    registered_facility_id UUID REFERENCES facility (id),
    died_on DATE,
    cause_of_death TEXT NOT NULL DEFAULT '',
    merged_into UUID REFERENCES person (id),
    entered_in_error_at TIMESTAMPTZ,
    entered_in_error_by UUID,
    entered_in_error_reason TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL,
    created_by UUID NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    updated_by UUID NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX person_birth_date ON person (birth_date);
CREATE INDEX person_facility ON person (registered_facility_id, birth_date);
CREATE INDEX person_phone ON person (phone_key);
CREATE INDEX person_merged_into ON person (merged_into);

-- Identifiers of several kinds; a value is held by one person at a time.
CREATE TABLE person_identifier (
    id UUID PRIMARY KEY,
    site_id UUID NOT NULL,
    person_id UUID NOT NULL REFERENCES person (id),
    kind TEXT NOT NULL,
    value TEXT NOT NULL,                  -- as written
    value_key TEXT NOT NULL,              -- upper case, letters and digits only
    facility_id UUID REFERENCES facility (id),
    retired_at TIMESTAMPTZ,
    retired_by UUID,
    created_at TIMESTAMPTZ NOT NULL,
    created_by UUID NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    updated_by UUID NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX person_identifier_value ON person_identifier (kind, value_key)
    WHERE retired_at IS NULL;
CREATE INDEX person_identifier_key ON person_identifier (value_key);
CREATE INDEX person_identifier_person ON person_identifier (person_id);

CREATE TABLE person_category (
    id UUID PRIMARY KEY,
    site_id UUID NOT NULL,
    person_id UUID NOT NULL REFERENCES person (id),
    category TEXT NOT NULL,
    ended_at TIMESTAMPTZ,
    ended_by UUID,
    created_at TIMESTAMPTZ NOT NULL,
    created_by UUID NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    updated_by UUID NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX person_category_current ON person_category (person_id, category)
    WHERE ended_at IS NULL;
CREATE INDEX person_category_category ON person_category (category, person_id);

-- `related_person_id` is `kind` to `person_id`: (child, woman, mother) reads
-- "the woman is the child's mother". Pages show it both ways.
CREATE TABLE person_relationship (
    id UUID PRIMARY KEY,
    site_id UUID NOT NULL,
    person_id UUID NOT NULL REFERENCES person (id),
    related_person_id UUID NOT NULL REFERENCES person (id),
    kind TEXT NOT NULL,
    ended_at TIMESTAMPTZ,
    ended_by UUID,
    created_at TIMESTAMPTZ NOT NULL,
    created_by UUID NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    updated_by UUID NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX person_relationship_person ON person_relationship (person_id);
CREATE INDEX person_relationship_related ON person_relationship (related_person_id);

-- A merge keeps both records: the merged one points at the survivor until undone.
CREATE TABLE person_merge (
    id UUID PRIMARY KEY,
    site_id UUID NOT NULL,
    survivor_id UUID NOT NULL REFERENCES person (id),
    merged_id UUID NOT NULL REFERENCES person (id),
    reason TEXT NOT NULL DEFAULT '',
    undone_at TIMESTAMPTZ,
    undone_by UUID,
    created_at TIMESTAMPTZ NOT NULL,
    created_by UUID NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    updated_by UUID NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX person_merge_survivor ON person_merge (survivor_id);
CREATE INDEX person_merge_merged ON person_merge (merged_id);

-- Derived from person and person_identifier on every write, in the same
-- transaction: an index, not a record, so it has no id or version. One row per
-- searchable key of a person (name parts and their phonetic keys, identifiers).
CREATE TABLE person_search_token (
    token TEXT COLLATE "C" NOT NULL,
    person_id UUID NOT NULL REFERENCES person (id),
    PRIMARY KEY (token, person_id)
);
CREATE INDEX person_search_token_person ON person_search_token (person_id);

-- A person who works for SOS.
CREATE TABLE staff_member (
    id UUID PRIMARY KEY,
    site_id UUID NOT NULL,
    person_id UUID NOT NULL UNIQUE REFERENCES person (id),
    profession TEXT NOT NULL,
    registration_number TEXT NOT NULL DEFAULT '',
    registration_expires_on DATE,
    user_id UUID UNIQUE REFERENCES user_account (id),
    started_on DATE,
    left_on DATE,
    created_at TIMESTAMPTZ NOT NULL,
    created_by UUID NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    updated_by UUID NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX staff_member_expiry ON staff_member (registration_expires_on);

CREATE TABLE staff_facility (
    id UUID PRIMARY KEY,
    site_id UUID NOT NULL,
    staff_id UUID NOT NULL REFERENCES staff_member (id),
    facility_id UUID NOT NULL REFERENCES facility (id),
    ended_at TIMESTAMPTZ,
    ended_by UUID,
    created_at TIMESTAMPTZ NOT NULL,
    created_by UUID NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    updated_by UUID NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX staff_facility_current ON staff_facility (staff_id, facility_id)
    WHERE ended_at IS NULL;
CREATE INDEX staff_facility_facility ON staff_facility (facility_id);

CREATE TABLE training (
    id UUID PRIMARY KEY,
    site_id UUID NOT NULL,
    staff_id UUID NOT NULL REFERENCES staff_member (id),
    course TEXT NOT NULL,
    provider TEXT NOT NULL DEFAULT '',
    started_on DATE NOT NULL,
    ended_on DATE NOT NULL,
    hours DOUBLE PRECISION,
    certificate TEXT NOT NULL DEFAULT '',
    entered_in_error_at TIMESTAMPTZ,
    entered_in_error_by UUID,
    created_at TIMESTAMPTZ NOT NULL,
    created_by UUID NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    updated_by UUID NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX training_staff ON training (staff_id);
