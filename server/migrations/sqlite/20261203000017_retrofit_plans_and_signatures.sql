-- The household's plan (一户一策) in versions, and the signature of the elder or guardian.
-- A version is a draft while the assessor edits it; proposing freezes it with its canonical
-- document (anju_domain::plan_document) and that document's SHA-256; a change makes the next
-- version. At most one draft per application, decided by the index, not by a check.
CREATE TABLE retrofit_plans (
    id INTEGER PRIMARY KEY,
    application_id BIGINT NOT NULL REFERENCES retrofit_applications(id),
    version BIGINT NOT NULL,
    -- draft | proposed | changes_requested | superseded | signed
    state TEXT NOT NULL,
    subsidised BOOLEAN NOT NULL,
    lines_json TEXT NOT NULL,
    not_needed_json TEXT NOT NULL,
    drafted_by BIGINT NOT NULL REFERENCES accounts(id),
    updated_at BIGINT NOT NULL,
    proposed_at BIGINT,
    document_json TEXT,
    document_sha256 TEXT,
    change_request TEXT,
    UNIQUE (application_id, version)
);
CREATE UNIQUE INDEX retrofit_plans_one_draft ON retrofit_plans(application_id) WHERE state = 'draft';

-- The signer confirmed who they are for this plan version (password again): a signature needs
-- one from the last five minutes, and a new version needs a new one.
CREATE TABLE retrofit_signing_checks (
    account_id BIGINT NOT NULL REFERENCES accounts(id),
    plan_id BIGINT NOT NULL REFERENCES retrofit_plans(id),
    plan_sha256 TEXT NOT NULL,
    method TEXT NOT NULL,
    confirmed_at BIGINT NOT NULL,
    PRIMARY KEY (account_id, plan_id)
);

-- One signature per plan version (the key makes a retried or second signature fail). The mark
-- (the drawn PNG, or the typed name) is sealed like other personal documents.
CREATE TABLE retrofit_signatures (
    id INTEGER PRIMARY KEY,
    plan_id BIGINT NOT NULL UNIQUE REFERENCES retrofit_plans(id),
    application_id BIGINT NOT NULL REFERENCES retrofit_applications(id),
    signer_account_id BIGINT NOT NULL REFERENCES accounts(id),
    -- elder | guardian
    capacity TEXT NOT NULL,
    relationship TEXT,
    -- drawn | typed
    mark_kind TEXT NOT NULL,
    mark_enc TEXT NOT NULL,
    mark_sha256 TEXT NOT NULL,
    plan_sha256 TEXT NOT NULL,
    agreement_version BIGINT NOT NULL,
    identity_method TEXT NOT NULL,
    identity_confirmed_at BIGINT NOT NULL,
    signed_at BIGINT NOT NULL,
    ip TEXT NOT NULL,
    user_agent TEXT NOT NULL,
    code TEXT NOT NULL UNIQUE
);
CREATE INDEX retrofit_signatures_application ON retrofit_signatures(application_id);
