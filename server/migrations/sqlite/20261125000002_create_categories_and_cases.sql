-- Complaint/inquiry categories (editable policy data) and cases with their event history.
CREATE TABLE categories (
    code TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    name_en TEXT NOT NULL,
    -- JSON array of {name, clock, amount}; see anju_domain::deadline::Target.
    targets TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE cases (
    id INTEGER PRIMARY KEY,
    reference TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    category_code TEXT NOT NULL REFERENCES categories(code),
    -- The category's targets when the case was filed: later edits do not move its deadlines.
    targets TEXT NOT NULL,
    resident_account_id INTEGER NOT NULL REFERENCES accounts(id),
    filed_by_account_id INTEGER NOT NULL REFERENCES accounts(id),
    client_key TEXT NOT NULL,
    channel TEXT NOT NULL,
    community_id INTEGER NOT NULL REFERENCES jurisdictions(id),
    scope_path TEXT NOT NULL,
    description TEXT NOT NULL,
    public_place TEXT,
    contact_time TEXT,
    state TEXT NOT NULL,
    assignee_account_id INTEGER REFERENCES accounts(id),
    major BOOLEAN NOT NULL DEFAULT FALSE,
    created_at BIGINT NOT NULL,
    acknowledged_at BIGINT,
    -- Earliest running deadline (Unix seconds); 9223372036854775807 when none is running.
    -- The staff queue is ordered and paginated by (next_due_at, id).
    next_due_at BIGINT NOT NULL,
    rating_speed BIGINT,
    rating_result BIGINT,
    rating_attitude BIGINT,
    UNIQUE (filed_by_account_id, client_key)
);
CREATE INDEX cases_queue ON cases(scope_path, next_due_at, id);
CREATE INDEX cases_resident ON cases(resident_account_id, id);

CREATE TABLE case_events (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases(id),
    at BIGINT NOT NULL,
    actor_account_id INTEGER NOT NULL REFERENCES accounts(id),
    action TEXT NOT NULL,
    state TEXT NOT NULL,
    note TEXT
);
CREATE INDEX case_events_case ON case_events(case_id, id);

CREATE TABLE case_pauses (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases(id),
    from_at BIGINT NOT NULL,
    until_at BIGINT
);
CREATE INDEX case_pauses_case ON case_pauses(case_id);

CREATE TABLE case_targets_met (
    case_id INTEGER NOT NULL REFERENCES cases(id),
    target TEXT NOT NULL,
    met_at BIGINT NOT NULL,
    PRIMARY KEY (case_id, target)
);
