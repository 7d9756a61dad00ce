-- Child safeguarding (issue 7): reports of concerns, the children they are about,
-- the steps of the response, encrypted attachments, and notifications to the focal
-- points. A sensitive class: only the safeguarding roles read these tables.
-- Ids are UUIDv7; instants are timestamptz; codes are those of haven-domain.

CREATE TABLE safeguarding_report (
    id UUID PRIMARY KEY,
    site_id UUID NOT NULL,
    -- A short reference the reporter and the focal point can say on the phone.
    reference TEXT NOT NULL UNIQUE,
    reporter_id UUID NOT NULL REFERENCES user_account (id),
    -- Where the concern arose; NULL when the reporter did not say (national only).
    facility_id UUID REFERENCES facility (id),
    concern_types TEXT NOT NULL,          -- ConcernType codes, space-separated
    harm_by TEXT NOT NULL DEFAULT '',     -- HarmBy codes, space-separated
    what_happened TEXT NOT NULL,
    immediate_actions TEXT NOT NULL DEFAULT '',
    filed_at TIMESTAMPTZ NOT NULL,
    acknowledged_at TIMESTAMPTZ,
    closed_at TIMESTAMPTZ,
    outcome TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMPTZ NOT NULL,
    created_by UUID NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    updated_by UUID NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX safeguarding_report_reporter ON safeguarding_report (reporter_id, filed_at);
CREATE INDEX safeguarding_report_filed ON safeguarding_report (filed_at);

-- A child a report is about: one of the registry (person_id) or described.
CREATE TABLE safeguarding_child (
    id UUID PRIMARY KEY,
    site_id UUID NOT NULL,
    report_id UUID NOT NULL REFERENCES safeguarding_report (id),
    person_id UUID REFERENCES person (id),
    name_as_known TEXT NOT NULL DEFAULT '',
    sex TEXT NOT NULL DEFAULT 'unknown' CHECK (sex IN ('female', 'male', 'other', 'unknown')),
    approximate_age INTEGER,
    created_at TIMESTAMPTZ NOT NULL,
    created_by UUID NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    updated_by UUID NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX safeguarding_child_report ON safeguarding_child (report_id);
CREATE INDEX safeguarding_child_person ON safeguarding_child (person_id);

-- A step of the response, recorded once each, dated and attributed.
CREATE TABLE safeguarding_step (
    id UUID PRIMARY KEY,
    site_id UUID NOT NULL,
    report_id UUID NOT NULL REFERENCES safeguarding_report (id),
    step TEXT NOT NULL,
    note TEXT NOT NULL,
    referral TEXT NOT NULL DEFAULT '',   -- '', 'referred' or 'not_referred'
    authority TEXT NOT NULL DEFAULT '',
    authority_reference TEXT NOT NULL DEFAULT '',
    outcome TEXT NOT NULL DEFAULT '',
    recorded_at TIMESTAMPTZ NOT NULL,
    recorded_by UUID NOT NULL REFERENCES user_account (id),
    created_at TIMESTAMPTZ NOT NULL,
    created_by UUID NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    updated_by UUID NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    UNIQUE (report_id, step)
);

-- A file attached to a report: XChaCha20-Poly1305 ciphertext, in the database so
-- that backups carry it. No file name is kept: names can name a child.
CREATE TABLE safeguarding_attachment (
    id UUID PRIMARY KEY,
    site_id UUID NOT NULL,
    report_id UUID NOT NULL REFERENCES safeguarding_report (id),
    media_type TEXT NOT NULL,
    size_bytes BIGINT NOT NULL,
    key_id TEXT NOT NULL,                -- which key sealed it (a digest, not the key)
    nonce BYTEA NOT NULL,
    ciphertext BYTEA NOT NULL,
    created_at TIMESTAMPTZ NOT NULL,
    created_by UUID NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    updated_by UUID NOT NULL,
    version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX safeguarding_attachment_report ON safeguarding_attachment (report_id);

-- A new report for a focal point to see: working state, read once opened.
CREATE TABLE safeguarding_notification (
    id UUID PRIMARY KEY,
    site_id UUID NOT NULL,
    report_id UUID NOT NULL REFERENCES safeguarding_report (id),
    user_id UUID NOT NULL REFERENCES user_account (id),
    read_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL,
    created_by UUID NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    updated_by UUID NOT NULL,
    version BIGINT NOT NULL DEFAULT 1,
    UNIQUE (report_id, user_id)
);
CREATE INDEX safeguarding_notification_user ON safeguarding_notification (user_id, read_at);
