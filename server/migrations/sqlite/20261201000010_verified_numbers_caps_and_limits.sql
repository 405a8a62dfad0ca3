-- Closing the access holes: one-time SMS codes that verify mobile numbers, a guardian link
-- that the elder (or the street office) confirms before it gives access, per-item caps held
-- by the database, and one table of rate events for every limit.

-- Codes are stored as a keyed hash, never as sent. One row per code sent.
CREATE TABLE sms_codes (
    id INTEGER PRIMARY KEY,
    phone TEXT NOT NULL,
    -- register | reset_password | guardian_accept | sign_in
    purpose TEXT NOT NULL,
    code_hash TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    used_at BIGINT
);
CREATE INDEX sms_codes_latest ON sms_codes(phone, purpose, id);

-- When the account's number was last proven by a code (NULL for accounts made before).
ALTER TABLE accounts ADD COLUMN phone_verified_at BIGINT;
-- Set while the password is a one-off one handed out at the community office: it stops
-- working then, and must be changed at the first sign-in.
ALTER TABLE accounts ADD COLUMN temporary_password_expires_at BIGINT;

-- A guardian link is now invited -> accepted (number verified, proof sent) -> active once
-- the elder or the street office confirms. Links already active stay active.
ALTER TABLE guardian_links ADD COLUMN confirmed_at BIGINT;
ALTER TABLE guardian_links ADD COLUMN confirmed_by BIGINT REFERENCES accounts(id);

-- Events counted by the limits (sign-in failures, SMS sends, uploads…), by bucket and
-- subject over a sliding window; shared by every instance.
CREATE TABLE rate_events (
    bucket TEXT NOT NULL,
    subject TEXT NOT NULL,
    at BIGINT NOT NULL
);
CREATE INDEX rate_events_lookup ON rate_events(bucket, subject, at);
INSERT INTO rate_events (bucket, subject, at)
    SELECT 'sign_in_failure:' || scope, subject, failed_at FROM sign_in_failures;
DROP TABLE sign_in_failures;

-- Per-item caps (photos per case and stage, documents per application): a counter row per
-- item, raised with UPDATE … WHERE n < cap in the transaction that adds the item, so
-- parallel uploads cannot overrun it on either backend.
CREATE TABLE item_counts (
    subject TEXT PRIMARY KEY,
    n BIGINT NOT NULL CHECK (n >= 0)
);
INSERT INTO item_counts (subject, n)
    SELECT 'case_photos:' || CAST(case_id AS TEXT) || ':' || stage, COUNT(*)
    FROM case_photos GROUP BY case_id, stage;
INSERT INTO item_counts (subject, n)
    SELECT 'retrofit_documents:' || CAST(application_id AS TEXT), COUNT(*)
    FROM retrofit_documents WHERE removed_at IS NULL GROUP BY application_id;
