-- The county's third-party assessment organisations (第三方评估机构) and their assessors, the
-- organisation a confirmed household is assigned to, and the booking of the home visit.
CREATE TABLE assessment_orgs (
    id INTEGER PRIMARY KEY,
    county_id BIGINT NOT NULL REFERENCES jurisdictions(id),
    name TEXT NOT NULL,
    created_by BIGINT NOT NULL REFERENCES accounts(id),
    created_at BIGINT NOT NULL,
    UNIQUE (county_id, name)
);

-- An assessor works for one organisation at a time: the key makes a second membership fail.
CREATE TABLE assessment_org_members (
    account_id BIGINT PRIMARY KEY REFERENCES accounts(id),
    org_id BIGINT NOT NULL REFERENCES assessment_orgs(id),
    added_at BIGINT NOT NULL
);
CREATE INDEX assessment_org_members_org ON assessment_org_members(org_id, account_id);

ALTER TABLE retrofit_applications ADD COLUMN assessment_org_id BIGINT REFERENCES assessment_orgs(id);
ALTER TABLE retrofit_applications ADD COLUMN assigned_at BIGINT;
-- The visit the assessor proposed (unix seconds), 'proposed' or 'another_time_asked', and the
-- note that goes with the latest word (the assessor's, or the family's answer).
ALTER TABLE retrofit_applications ADD COLUMN visit_at BIGINT;
ALTER TABLE retrofit_applications ADD COLUMN visit_state TEXT
    CHECK (visit_state IS NULL OR visit_state IN ('proposed', 'another_time_asked'));
ALTER TABLE retrofit_applications ADD COLUMN visit_note TEXT;
-- The assessor's list: an organisation's households, newest first.
CREATE INDEX retrofit_applications_org ON retrofit_applications(assessment_org_id, id);

-- Notifications about a retrofit application link to it, as case notices link to the case.
ALTER TABLE notifications ADD COLUMN application_id BIGINT REFERENCES retrofit_applications(id);
