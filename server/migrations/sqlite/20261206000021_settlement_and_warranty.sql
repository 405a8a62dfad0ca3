-- Settlement of the subsidy (资金拨付): one row per household (the key refuses a second), with
-- the lines of the signed plan it covers and their signed subsidised parts. `paid_fen` is
-- raised by each payment in the same statement that checks it stays within `due_fen`, so
-- payments never add up to more than was settled, even two at once.
CREATE TABLE retrofit_settlements (
    application_id BIGINT PRIMARY KEY REFERENCES retrofit_applications(id),
    county_id BIGINT NOT NULL REFERENCES jurisdictions(id),
    lines_json TEXT NOT NULL,
    due_fen BIGINT NOT NULL CHECK (due_fen > 0),
    paid_fen BIGINT NOT NULL DEFAULT 0 CHECK (paid_fen >= 0 AND paid_fen <= due_fen),
    settled_by BIGINT NOT NULL REFERENCES accounts(id),
    settled_at BIGINT NOT NULL
);
CREATE INDEX retrofit_settlements_county ON retrofit_settlements(county_id, settled_at);

-- The county's payments to the builder. A voucher number (凭证号) is recorded once per county.
CREATE TABLE retrofit_payments (
    id INTEGER PRIMARY KEY,
    application_id BIGINT NOT NULL REFERENCES retrofit_settlements(application_id),
    county_id BIGINT NOT NULL REFERENCES jurisdictions(id),
    paid_on TEXT NOT NULL,
    voucher_no TEXT NOT NULL,
    amount_fen BIGINT NOT NULL CHECK (amount_fen > 0),
    recorded_by BIGINT NOT NULL REFERENCES accounts(id),
    recorded_at BIGINT NOT NULL,
    UNIQUE (county_id, voucher_no)
);
CREATE INDEX retrofit_payments_application ON retrofit_payments(application_id, id);

-- The county's warranty length (at least the two years the rules require) and the working
-- days a builder has to answer a warranty claim.
ALTER TABLE county_settings ADD COLUMN warranty_years BIGINT NOT NULL DEFAULT 2
    CHECK (warranty_years BETWEEN 2 AND 10);
ALTER TABLE county_settings ADD COLUMN claim_working_days BIGINT NOT NULL DEFAULT 7
    CHECK (claim_working_days BETWEEN 1 AND 30);

-- The last day of the household's warranty (YYYY-MM-DD, Shanghai), fixed at acceptance with
-- the county's length then: a later change of the setting does not alter a promise made.
ALTER TABLE retrofit_applications ADD COLUMN warranty_until TEXT;

-- The family's warranty claims (报修), each to the household's builder with a deadline on the
-- working calendar.
CREATE TABLE retrofit_warranty_claims (
    id INTEGER PRIMARY KEY,
    application_id BIGINT NOT NULL REFERENCES retrofit_applications(id),
    contractor_org_id BIGINT NOT NULL REFERENCES assessment_orgs(id),
    description TEXT NOT NULL,
    filed_by BIGINT NOT NULL REFERENCES accounts(id),
    filed_at BIGINT NOT NULL,
    due_at BIGINT NOT NULL,
    answer TEXT,
    answered_by BIGINT REFERENCES accounts(id),
    answered_at BIGINT,
    -- When the overdue notice went out (once).
    overdue_noticed_at BIGINT
);
CREATE INDEX retrofit_warranty_claims_application ON retrofit_warranty_claims(application_id, id);
CREATE INDEX retrofit_warranty_claims_org ON retrofit_warranty_claims(contractor_org_id, id);
CREATE INDEX retrofit_warranty_claims_open ON retrofit_warranty_claims(due_at) WHERE answered_at IS NULL;

-- A claim's photos, the same shape as the other photo sets of a household; `claim` holds the
-- claim's id as text because the shared photo statements compare that column to text.
CREATE TABLE retrofit_claim_photos (
    id INTEGER PRIMARY KEY,
    application_id BIGINT NOT NULL REFERENCES retrofit_applications(id),
    claim TEXT NOT NULL,
    hash TEXT NOT NULL,
    width BIGINT NOT NULL,
    height BIGINT NOT NULL,
    uploaded_by BIGINT NOT NULL REFERENCES accounts(id),
    uploaded_at BIGINT NOT NULL,
    UNIQUE (application_id, claim, hash)
);
