-- A county's retrofit catalogue: the national list (anju_domain::retrofit_catalogue::SEED_CATALOGUE)
-- with the county's changes, plus the items the county added (numbers above 30). A row exists
-- only for an item the county changed or added; the others are the seed's line. Items are
-- retired, never deleted: plans keep their own copy of name and price, and a number is never
-- reused.
CREATE TABLE retrofit_catalogue_items (
    county_id BIGINT NOT NULL REFERENCES jurisdictions(id),
    no BIGINT NOT NULL CHECK (no >= 1),
    category TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('basic', 'optional')),
    name_zh TEXT NOT NULL,
    name_en TEXT NOT NULL,
    unit_zh TEXT NOT NULL,
    unit_en TEXT NOT NULL,
    unit_price_fen BIGINT NOT NULL CHECK (unit_price_fen > 0),
    subsidy_cap_fen BIGINT NOT NULL CHECK (subsidy_cap_fen >= 0),
    retired BOOLEAN NOT NULL DEFAULT FALSE,
    updated_by BIGINT NOT NULL REFERENCES accounts(id),
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (county_id, no)
);
