-- Monthly call-backs (回访): the seeded draw, its sample, and call records.
ALTER TABLE cases ADD COLUMN handled_at BIGINT;
CREATE INDEX cases_handled ON cases(community_id, handled_at);

CREATE TABLE callback_draws (
    id INTEGER PRIMARY KEY,
    community_id INTEGER NOT NULL REFERENCES jurisdictions(id),
    month TEXT NOT NULL,
    -- u64 as decimal text: PostgreSQL has no unsigned 64-bit integer.
    seed TEXT NOT NULL,
    min_percent BIGINT NOT NULL,
    -- JSON [{"id": …, "major": …}]: exactly what the sample was drawn from, for re-running.
    candidates TEXT NOT NULL,
    drawn_at BIGINT NOT NULL,
    drawn_by INTEGER NOT NULL REFERENCES accounts(id),
    UNIQUE (community_id, month)
);

CREATE TABLE callback_items (
    draw_id INTEGER NOT NULL REFERENCES callback_draws(id),
    case_id INTEGER NOT NULL REFERENCES cases(id),
    major BOOLEAN NOT NULL,
    PRIMARY KEY (draw_id, case_id)
);

CREATE TABLE callbacks (
    id INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES cases(id),
    called_by INTEGER NOT NULL REFERENCES accounts(id),
    called_at BIGINT NOT NULL,
    reached BOOLEAN NOT NULL,
    satisfied BOOLEAN,
    comment TEXT
);
CREATE INDEX callbacks_case ON callbacks(case_id, id);
