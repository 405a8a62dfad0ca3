-- The audit log becomes a hash chain (server/src/audit/chain.rs): each entry carries its place
-- (seq), the encoding version, the previous entry's hash and its own. `audit_head` is the one
-- row every appending transaction updates first, so appends queue behind each other on every
-- backend and the chain never forks, however many servers write.
ALTER TABLE audit_log ADD COLUMN seq BIGINT;
ALTER TABLE audit_log ADD COLUMN version BIGINT;
ALTER TABLE audit_log ADD COLUMN prev_hash TEXT;
ALTER TABLE audit_log ADD COLUMN hash TEXT;
-- The jurisdiction an entry belongs to ('/' = the whole system), so a county admin's query
-- is a prefix match like every other list.
ALTER TABLE audit_log ADD COLUMN scope_path TEXT NOT NULL DEFAULT '/';

CREATE UNIQUE INDEX audit_log_seq ON audit_log(seq);
CREATE INDEX audit_log_scope ON audit_log(scope_path, seq);
CREATE INDEX audit_log_subject ON audit_log(subject, seq);
CREATE INDEX audit_log_actor ON audit_log(actor_account_id, seq);

CREATE TABLE audit_head (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL,
    -- Rows up to this id predate the chain; the server chains them once, at start. A row
    -- without a hash above it was written behind the server's back.
    legacy_until BIGINT NOT NULL
);
INSERT INTO audit_head (id, seq, hash, legacy_until)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000',
        COALESCE((SELECT MAX(id) FROM audit_log), 0));

-- Earlier entries get the jurisdiction of what they are about, where that is known.
UPDATE audit_log SET scope_path = COALESCE(
    (SELECT c.scope_path FROM cases c WHERE audit_log.subject = 'case:' || c.id),
    (SELECT r.scope_path FROM retrofit_applications r WHERE audit_log.subject = 'retrofit_application:' || r.id),
    (SELECT a.scope_path FROM accounts a WHERE audit_log.subject = 'account:' || a.id),
    '/');

-- Every review decision on a survey response, kept (the response row holds only the latest).
CREATE TABLE survey_reviews (
    id INTEGER PRIMARY KEY,
    response_id BIGINT NOT NULL REFERENCES survey_responses(id),
    review TEXT NOT NULL,
    note TEXT,
    reviewed_by BIGINT NOT NULL REFERENCES accounts(id),
    reviewed_at BIGINT NOT NULL
);
CREATE INDEX survey_reviews_response ON survey_reviews(response_id, id);
INSERT INTO survey_reviews (response_id, review, note, reviewed_by, reviewed_at)
SELECT id, review, review_note, reviewed_by, updated_at FROM survey_responses WHERE reviewed_by IS NOT NULL;
