-- The supervision report (监理报告) of a household's works: one document (a PDF or a photo),
-- uploaded by the street office or the county; a new upload replaces it (the audit entry names
-- both files, and the store keeps every file by its hash).
CREATE TABLE retrofit_supervision_reports (
    application_id BIGINT PRIMARY KEY REFERENCES retrofit_applications(id),
    hash TEXT NOT NULL,
    content_type TEXT NOT NULL,
    size BIGINT NOT NULL,
    uploaded_by BIGINT NOT NULL REFERENCES accounts(id),
    uploaded_at BIGINT NOT NULL
);

