-- Messages that reach people off the portal. Each person chooses channels beyond the in-app
-- notification centre (always on). NULL: the default for the role — texts on for residents
-- and families (an elder opens the portal rarely), off for staff (they work at the desk).
ALTER TABLE accounts ADD COLUMN notify_sms INTEGER;
ALTER TABLE accounts ADD COLUMN notify_email INTEGER NOT NULL DEFAULT 0;
ALTER TABLE accounts ADD COLUMN email TEXT;

-- One row per notification and channel, written in the transaction that made the
-- notification, so a message is queued exactly when its action commits and never blocks it.
-- A worker claims due rows for a while (`claimed_by`, `claimed_until`) so that several
-- instances never send the same row at once; a failure waits `next_attempt_at` (back-off).
CREATE TABLE outbox (
    id INTEGER PRIMARY KEY,
    notification_id INTEGER NOT NULL REFERENCES notifications(id),
    channel TEXT NOT NULL CHECK (channel IN ('sms', 'email')),
    state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'failed', 'dropped')),
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at BIGINT NOT NULL,
    claimed_by TEXT,
    claimed_until BIGINT,
    last_error TEXT,
    sent_at BIGINT,
    UNIQUE (notification_id, channel)
);
CREATE INDEX outbox_due ON outbox(next_attempt_at, id) WHERE state = 'pending';
