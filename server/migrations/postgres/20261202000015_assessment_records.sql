-- The in-home assessment record of a household (anju_domain::retrofit_record::AssessmentRecord),
-- sealed like the application's health answers: it describes what the elder can and cannot do.
-- One row per application, replaced screen by screen.
CREATE TABLE retrofit_assessment_records (
    application_id BIGINT PRIMARY KEY REFERENCES retrofit_applications(id),
    record_enc TEXT NOT NULL,
    updated_by BIGINT NOT NULL REFERENCES accounts(id),
    updated_at BIGINT NOT NULL
);
