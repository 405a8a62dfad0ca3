-- The construction contract (施工合同) between the household and the company the county
-- assigned (anju_domain::retrofit_contract): the company offers it with the works' dates and
-- signs it; the elder or their family signs it. Each offer is a version with its canonical
-- document (anju_domain::plan_document::ContractDocument) and that document's SHA-256, which
-- names the signed plan by its hash. A new offer supersedes an unsigned one; moving the
-- household to another company voids the old company's contract. At most one open contract per
-- household, and one signature per side, are decided by the keys, not by checks.
CREATE TABLE retrofit_contracts (
    id INTEGER PRIMARY KEY,
    application_id BIGINT NOT NULL REFERENCES retrofit_applications(id),
    version BIGINT NOT NULL,
    org_id BIGINT NOT NULL REFERENCES assessment_orgs(id),
    plan_id BIGINT NOT NULL REFERENCES retrofit_plans(id),
    -- offered | signed | superseded | void
    state TEXT NOT NULL CHECK (state IN ('offered', 'signed', 'superseded', 'void')),
    planned_start TEXT NOT NULL,
    planned_finish TEXT NOT NULL,
    document_json TEXT NOT NULL,
    document_sha256 TEXT NOT NULL,
    terms_version BIGINT NOT NULL,
    offered_by BIGINT NOT NULL REFERENCES accounts(id),
    offered_at BIGINT NOT NULL,
    -- Checks the contract on /verify, like a plan certificate's code.
    code TEXT NOT NULL UNIQUE,
    UNIQUE (application_id, version)
);
CREATE UNIQUE INDEX retrofit_contracts_one_open ON retrofit_contracts(application_id)
    WHERE state IN ('offered', 'signed');

-- One signature per side of a contract version. The mark is sealed like the plan's.
CREATE TABLE retrofit_contract_signatures (
    id INTEGER PRIMARY KEY,
    contract_id BIGINT NOT NULL REFERENCES retrofit_contracts(id),
    application_id BIGINT NOT NULL REFERENCES retrofit_applications(id),
    party TEXT NOT NULL CHECK (party IN ('household', 'contractor')),
    signer_account_id BIGINT NOT NULL REFERENCES accounts(id),
    -- elder | guardian for the household; NULL for the company
    capacity TEXT,
    relationship TEXT,
    mark_kind TEXT NOT NULL,
    mark_enc TEXT NOT NULL,
    mark_sha256 TEXT NOT NULL,
    contract_sha256 TEXT NOT NULL,
    identity_method TEXT NOT NULL,
    identity_confirmed_at BIGINT NOT NULL,
    signed_at BIGINT NOT NULL,
    ip TEXT NOT NULL,
    user_agent TEXT NOT NULL,
    UNIQUE (contract_id, party)
);
CREATE INDEX retrofit_contract_signatures_application ON retrofit_contract_signatures(application_id);
