-- Satisfaction surveys: each survey has numbered versions (publishing freezes one; editing a
-- published survey makes the next), the communities each version targets, and responses
-- tied to the version they answered.
CREATE TABLE surveys (
    id INTEGER PRIMARY KEY,
    created_by BIGINT NOT NULL REFERENCES accounts(id),
    created_at BIGINT NOT NULL
);

CREATE TABLE survey_versions (
    id INTEGER PRIMARY KEY,
    survey_id BIGINT NOT NULL REFERENCES surveys(id),
    version BIGINT NOT NULL,
    -- JSON anju_domain::survey::SurveyDefinition (questions and the satisfaction rule).
    definition TEXT NOT NULL,
    opens_on TEXT NOT NULL,
    closes_on TEXT NOT NULL,
    target_percent BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    published_at BIGINT,
    published_by BIGINT REFERENCES accounts(id),
    UNIQUE (survey_id, version)
);

CREATE TABLE survey_targets (
    version_id BIGINT NOT NULL REFERENCES survey_versions(id),
    community_id BIGINT NOT NULL REFERENCES jurisdictions(id),
    PRIMARY KEY (version_id, community_id)
);
CREATE INDEX survey_targets_community ON survey_targets(community_id);

CREATE TABLE survey_responses (
    id INTEGER PRIMARY KEY,
    survey_id BIGINT NOT NULL REFERENCES surveys(id),
    version_id BIGINT NOT NULL REFERENCES survey_versions(id),
    community_id BIGINT NOT NULL REFERENCES jurisdictions(id),
    scope_path TEXT NOT NULL,
    building_id BIGINT NOT NULL REFERENCES jurisdictions(id),
    unit TEXT NOT NULL,
    room TEXT NOT NULL,
    -- '<building id>:<unit>:<room>'
    household_key TEXT NOT NULL,
    -- resident | door_to_door
    channel TEXT NOT NULL,
    respondent_account_id BIGINT REFERENCES accounts(id),
    collector_account_id BIGINT REFERENCES accounts(id),
    -- Who sent it and their per-response key: a retried sync finds the same row.
    submitted_by BIGINT NOT NULL REFERENCES accounts(id),
    client_key TEXT NOT NULL,
    answers TEXT NOT NULL,
    satisfied BOOLEAN,
    -- pending | approved | has_issues | rejected
    review TEXT NOT NULL DEFAULT 'pending',
    review_note TEXT,
    reviewed_by BIGINT REFERENCES accounts(id),
    -- A second record of a household for the same version: waits for review.
    flagged BOOLEAN NOT NULL DEFAULT FALSE,
    -- '<version id>:<household key>' on the household's first response only, so one household
    -- has one response per version however many devices send at once.
    household_slot TEXT UNIQUE,
    collected_at BIGINT NOT NULL,
    -- YYYY-MM (Asia/Shanghai) of collected_at, for monthly results.
    month TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    UNIQUE (submitted_by, client_key)
);
CREATE INDEX survey_responses_month ON survey_responses(survey_id, month, id);
CREATE INDEX survey_responses_scope ON survey_responses(scope_path, id);
