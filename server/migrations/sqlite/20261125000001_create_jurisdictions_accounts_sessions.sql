-- Jurisdiction tree, accounts, sessions, sign-in failures and the audit log.
CREATE TABLE jurisdictions (
    id INTEGER PRIMARY KEY,
    parent_id INTEGER REFERENCES jurisdictions(id),
    level TEXT NOT NULL,
    name TEXT NOT NULL,
    -- '/1/4/9/': ids from the root, for subtree filters with a prefix match.
    id_path TEXT NOT NULL,
    -- '江南省/临江市/…': names from the root, for display.
    name_path TEXT NOT NULL,
    UNIQUE (parent_id, name)
);
CREATE INDEX jurisdictions_parent ON jurisdictions(parent_id);
CREATE INDEX jurisdictions_id_path ON jurisdictions(id_path);

CREATE TABLE accounts (
    id INTEGER PRIMARY KEY,
    phone TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    display_name TEXT NOT NULL,
    role TEXT NOT NULL,
    jurisdiction_id INTEGER REFERENCES jurisdictions(id),
    home_building_id INTEGER REFERENCES jurisdictions(id),
    home_unit TEXT,
    home_room TEXT,
    -- Where the account belongs in the tree (staff: their jurisdiction; residents: their building),
    -- copied so that lists filter by subtree without a join.
    scope_path TEXT NOT NULL,
    elder_mode BOOLEAN NOT NULL DEFAULT FALSE,
    locale TEXT NOT NULL DEFAULT 'zh-CN',
    created_at BIGINT NOT NULL
);
CREATE INDEX accounts_scope_path ON accounts(scope_path, id);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    last_seen_at BIGINT NOT NULL
);
CREATE INDEX sessions_account ON sessions(account_id);

CREATE TABLE sign_in_failures (
    scope TEXT NOT NULL,
    subject TEXT NOT NULL,
    failed_at BIGINT NOT NULL
);
CREATE INDEX sign_in_failures_lookup ON sign_in_failures(scope, subject, failed_at);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at BIGINT NOT NULL,
    actor_account_id INTEGER,
    action TEXT NOT NULL,
    subject TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT ''
);
