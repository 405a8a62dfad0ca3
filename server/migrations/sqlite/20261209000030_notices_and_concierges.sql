-- Notices for a community or a building (water or power cuts, holiday hours, events), shown
-- to its residents from `starts_at` to `ends_at`; urgent ones are also sent to each household.
-- `scope_path` is the scope's `id_path`, so "notices over this building" is a prefix match.
CREATE TABLE notices (
    id INTEGER PRIMARY KEY,
    scope_id INTEGER NOT NULL REFERENCES jurisdictions(id),
    scope_path TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('water', 'power', 'gas', 'lift', 'holiday', 'event', 'other')),
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    starts_at BIGINT NOT NULL,
    ends_at BIGINT NOT NULL CHECK (ends_at > starts_at),
    urgent INTEGER NOT NULL DEFAULT 0,
    households_told INTEGER,
    created_by INTEGER NOT NULL REFERENCES accounts(id),
    created_at BIGINT NOT NULL,
    -- A retry of the same post finds the first one instead of posting twice.
    client_key TEXT NOT NULL,
    withdrawn_at BIGINT,
    withdrawn_by INTEGER REFERENCES accounts(id),
    UNIQUE (created_by, client_key)
);
CREATE INDEX notices_ends ON notices(ends_at, scope_path);

-- Each building's concierge contact (礼宾助理), shown to its residents.
CREATE TABLE building_concierges (
    building_id INTEGER PRIMARY KEY REFERENCES jurisdictions(id),
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    phone TEXT NOT NULL,
    hours TEXT NOT NULL,
    updated_by INTEGER NOT NULL REFERENCES accounts(id),
    updated_at BIGINT NOT NULL
);
