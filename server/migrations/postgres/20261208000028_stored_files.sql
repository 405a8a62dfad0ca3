-- Uploaded files (photos; sealed documents and proofs) kept in the database, by content hash
-- and kind: instances that share a PostgreSQL database serve each other's files without a
-- shared disk. The embedded SQLite deployment keeps them in <data-dir>/uploads instead.
CREATE TABLE stored_files (
    hash TEXT NOT NULL,
    ext TEXT NOT NULL,
    bytes BYTEA NOT NULL,
    stored_at BIGINT NOT NULL,
    PRIMARY KEY (hash, ext)
);
