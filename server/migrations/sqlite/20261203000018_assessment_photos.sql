-- Photos the assessor takes in each room (stored by content hash like complaint photos). The
-- same photo sent twice is one row; the cap per room is kept in item_counts.
CREATE TABLE retrofit_assessment_photos (
    id INTEGER PRIMARY KEY,
    application_id BIGINT NOT NULL REFERENCES retrofit_applications(id),
    room TEXT NOT NULL,
    hash TEXT NOT NULL,
    width BIGINT NOT NULL,
    height BIGINT NOT NULL,
    uploaded_by BIGINT NOT NULL REFERENCES accounts(id),
    uploaded_at BIGINT NOT NULL,
    UNIQUE (application_id, room, hash)
);
