-- Working-calendar entries added by admins: next year's national notice ('national') or a
-- community's own exceptions ('community:<id>'). Shipped notices live in the domain crate.
CREATE TABLE calendar_days (
    scope TEXT NOT NULL,
    day TEXT NOT NULL,
    kind TEXT NOT NULL,
    note TEXT NOT NULL DEFAULT '',
    updated_at BIGINT NOT NULL,
    updated_by BIGINT NOT NULL,
    PRIMARY KEY (scope, day)
);
