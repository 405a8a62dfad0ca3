-- Photos attached to cases; bytes live in the blob store under their content hash.
CREATE TABLE case_photos (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases(id),
    -- 'report' (what is wrong) or 'after' (the finished work).
    stage TEXT NOT NULL,
    hash TEXT NOT NULL,
    width BIGINT NOT NULL,
    height BIGINT NOT NULL,
    uploaded_by INTEGER NOT NULL REFERENCES accounts(id),
    at BIGINT NOT NULL,
    UNIQUE (case_id, hash)
);
