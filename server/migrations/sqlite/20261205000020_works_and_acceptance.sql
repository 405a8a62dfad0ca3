-- The works (施工): the county's construction companies (施工单位) are organisations like the
-- assessment ones, told apart by kind. One name per county across both kinds: a company that
-- assesses homes must not also be the one that builds them.
ALTER TABLE assessment_orgs ADD COLUMN kind TEXT NOT NULL DEFAULT 'assessment'
    CHECK (kind IN ('assessment', 'construction'));

-- The construction company the county assigned a signed household to.
ALTER TABLE retrofit_applications ADD COLUMN contractor_org_id BIGINT REFERENCES assessment_orgs(id);
ALTER TABLE retrofit_applications ADD COLUMN contractor_assigned_at BIGINT;
-- The contractor's list: an organisation's households, newest first.
CREATE INDEX retrofit_applications_contractor ON retrofit_applications(contractor_org_id, id);

-- The contractor's before/after photos of each item of the signed plan, and of the cleared
-- site (改造前后对比图片). `slot` is `item:<line>:before`, `item:<line>:after` or `cleared`
-- (anju_domain::retrofit_works::WorksSlot). The same photo sent twice is one row; the cap per
-- slot is kept in item_counts.
CREATE TABLE retrofit_works_photos (
    id INTEGER PRIMARY KEY,
    application_id BIGINT NOT NULL REFERENCES retrofit_applications(id),
    slot TEXT NOT NULL,
    hash TEXT NOT NULL,
    width BIGINT NOT NULL,
    height BIGINT NOT NULL,
    uploaded_by BIGINT NOT NULL REFERENCES accounts(id),
    uploaded_at BIGINT NOT NULL,
    UNIQUE (application_id, slot, hash)
);

-- The street office's acceptance visits (逐户实地竣工验收), one row a round: the verdict on every
-- item (anju_domain::retrofit_acceptance::ItemVerdict, JSON). A round that sends items back
-- keeps the highest works photo id at that moment: only later "after" photos prove the rework.
-- The key makes a second round of the same number (a retry, or two reviewers at once) fail.
CREATE TABLE retrofit_acceptances (
    id INTEGER PRIMARY KEY,
    application_id BIGINT NOT NULL REFERENCES retrofit_applications(id),
    round BIGINT NOT NULL,
    items_json TEXT NOT NULL,
    photo_mark BIGINT NOT NULL,
    decided_by BIGINT NOT NULL REFERENCES accounts(id),
    decided_at BIGINT NOT NULL,
    UNIQUE (application_id, round)
);
-- The day the household passed acceptance: its two-year warranty runs from here.
ALTER TABLE retrofit_applications ADD COLUMN accepted_at BIGINT;
