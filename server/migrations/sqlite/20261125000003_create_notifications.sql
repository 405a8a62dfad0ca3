-- In-app notification centre, and which deadline each case was last warned/escalated for.
CREATE TABLE notifications (
    id INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    at BIGINT NOT NULL,
    kind TEXT NOT NULL,
    case_id INTEGER REFERENCES cases(id),
    message TEXT NOT NULL,
    message_en TEXT NOT NULL,
    read_at BIGINT
);
CREATE INDEX notifications_account ON notifications(account_id, id);

-- The `next_due_at` value a warning / breach notice was sent for; a moved deadline warns again.
ALTER TABLE cases ADD COLUMN warned_for_due BIGINT;
ALTER TABLE cases ADD COLUMN breach_notified_for_due BIGINT;
