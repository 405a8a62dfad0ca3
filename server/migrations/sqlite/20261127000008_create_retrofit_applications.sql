-- Home age-friendly retrofits, part 1: county settings and quotas, guardian links, and
-- applications with their event history and documents.
-- ID numbers and health answers are sealed (AEAD, see server/src/crypto.rs) in *_enc
-- columns; id_number_hash is a keyed hash for look-ups. Neither holds the plain value.
CREATE TABLE county_settings (
    county_id BIGINT PRIMARY KEY REFERENCES jurisdictions(id),
    minimum_living_allowance_covered BOOLEAN NOT NULL DEFAULT FALSE,
    updated_at BIGINT NOT NULL
);

-- `used` counts confirmed applications; confirming increments it only while used < quota,
-- which is atomic on both backends.
CREATE TABLE county_quotas (
    county_id BIGINT NOT NULL REFERENCES jurisdictions(id),
    year BIGINT NOT NULL,
    quota BIGINT NOT NULL,
    used BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (county_id, year)
);

CREATE TABLE guardian_links (
    id INTEGER PRIMARY KEY,
    elder_account_id BIGINT NOT NULL REFERENCES accounts(id),
    invited_phone TEXT NOT NULL,
    guardian_account_id BIGINT REFERENCES accounts(id),
    relationship TEXT,
    proof_hash TEXT,
    proof_type TEXT,
    -- invited | active | ended
    state TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    accepted_at BIGINT,
    ended_at BIGINT,
    ended_by BIGINT REFERENCES accounts(id)
);
CREATE INDEX guardian_links_elder ON guardian_links(elder_account_id, id);
CREATE INDEX guardian_links_guardian ON guardian_links(guardian_account_id, id);
CREATE INDEX guardian_links_phone ON guardian_links(invited_phone, id);

CREATE TABLE retrofit_applications (
    id INTEGER PRIMARY KEY,
    reference TEXT NOT NULL UNIQUE,
    year BIGINT NOT NULL,
    state TEXT NOT NULL,
    channel TEXT NOT NULL,
    elder_account_id BIGINT REFERENCES accounts(id),
    applicant_account_id BIGINT NOT NULL REFERENCES accounts(id),
    guardian_account_id BIGINT REFERENCES accounts(id),
    guardian_answered BOOLEAN NOT NULL DEFAULT FALSE,
    client_key TEXT NOT NULL,
    elder_name TEXT NOT NULL DEFAULT '',
    elder_phone TEXT,
    id_number_enc TEXT,
    id_number_hash TEXT,
    id_number_masked TEXT,
    facts_enc TEXT,
    home_building_id BIGINT REFERENCES jurisdictions(id),
    home_unit TEXT,
    home_room TEXT,
    community_id BIGINT REFERENCES jurisdictions(id),
    street_id BIGINT REFERENCES jurisdictions(id),
    county_id BIGINT REFERENCES jurisdictions(id),
    -- The home's place in the tree (or the reviewer's street until a home is chosen).
    scope_path TEXT NOT NULL,
    -- Comma-separated grounds (age80, disabled, certified_disability) or self_paid, for the
    -- reviewer's filter; set at submission.
    grounds TEXT NOT NULL DEFAULT '',
    consent_version TEXT,
    consent_at BIGINT,
    return_checklist TEXT NOT NULL DEFAULT '[]',
    return_note TEXT,
    returned_at BIGINT,
    reject_reason TEXT,
    reject_note TEXT,
    -- One open application per elder per year: set while open, NULL once rejected/withdrawn.
    open_elder_key TEXT UNIQUE,
    open_id_key TEXT UNIQUE,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    submitted_at BIGINT,
    UNIQUE (applicant_account_id, client_key)
);
CREATE INDEX retrofit_applications_scope ON retrofit_applications(scope_path, id);
CREATE INDEX retrofit_applications_elder ON retrofit_applications(elder_account_id, id);
CREATE INDEX retrofit_applications_applicant ON retrofit_applications(applicant_account_id, id);
CREATE INDEX retrofit_applications_county ON retrofit_applications(county_id, year, state);

CREATE TABLE retrofit_events (
    id INTEGER PRIMARY KEY,
    application_id BIGINT NOT NULL REFERENCES retrofit_applications(id),
    at BIGINT NOT NULL,
    actor_account_id BIGINT NOT NULL REFERENCES accounts(id),
    actor_role TEXT NOT NULL,
    action TEXT NOT NULL,
    state TEXT NOT NULL,
    note TEXT,
    -- JSON: {"checklist": [...], "reason": "..."}
    detail TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX retrofit_events_application ON retrofit_events(application_id, id);

-- Bytes are sealed in the blob store under the hash of the cleaned content.
CREATE TABLE retrofit_documents (
    id INTEGER PRIMARY KEY,
    application_id BIGINT NOT NULL REFERENCES retrofit_applications(id),
    kind TEXT NOT NULL,
    hash TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    uploaded_by BIGINT NOT NULL REFERENCES accounts(id),
    uploaded_at BIGINT NOT NULL,
    removed_at BIGINT
);
CREATE INDEX retrofit_documents_application ON retrofit_documents(application_id, id);
