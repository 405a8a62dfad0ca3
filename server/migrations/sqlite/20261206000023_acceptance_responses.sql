-- The family's word on an accepting visit (anju_domain::retrofit_acceptance::FamilyResponse):
-- once per round, by key, so a retry or a second family member cannot answer twice.
CREATE TABLE retrofit_acceptance_responses (
    application_id BIGINT NOT NULL REFERENCES retrofit_applications(id),
    round BIGINT NOT NULL,
    agrees BOOLEAN NOT NULL,
    note TEXT NOT NULL,
    answered_by BIGINT NOT NULL REFERENCES accounts(id),
    answered_at BIGINT NOT NULL,
    PRIMARY KEY (application_id, round)
);
