-- Lists seek an index instead of sorting a subtree. The staff queue: each case carries the
-- street and county over its community (as retrofit applications already do), and the open
-- cases have one index per level in time-left order. Handled cases (most of a large database)
-- are in none of them.
ALTER TABLE cases ADD COLUMN street_id BIGINT;
ALTER TABLE cases ADD COLUMN county_id BIGINT;

UPDATE cases SET street_id = (SELECT parent_id FROM jurisdictions WHERE jurisdictions.id = cases.community_id);
UPDATE cases SET county_id = (SELECT parent_id FROM jurisdictions WHERE jurisdictions.id = cases.street_id);

DROP INDEX cases_queue;
CREATE INDEX cases_open_community ON cases(community_id, next_due_at, id) WHERE state NOT IN ('resolved', 'closed');
CREATE INDEX cases_open_street ON cases(street_id, next_due_at, id) WHERE state NOT IN ('resolved', 'closed');
CREATE INDEX cases_open_county ON cases(county_id, next_due_at, id) WHERE state NOT IN ('resolved', 'closed');
CREATE INDEX cases_open ON cases(next_due_at, id) WHERE state NOT IN ('resolved', 'closed');

-- Retrofit queues page newest first within the caller's level.
CREATE INDEX retrofit_applications_community ON retrofit_applications(community_id, id);
CREATE INDEX retrofit_applications_street ON retrofit_applications(street_id, id);
CREATE INDEX retrofit_applications_county_id ON retrofit_applications(county_id, id);

-- The deadline watch wakes only for cases whose warning may be due: `warn_at` is no later
-- than the warning (first a day before the deadline; the watch then stores the exact time),
-- and empty once warned or when no deadline runs.
ALTER TABLE cases ADD COLUMN warn_at BIGINT;
UPDATE cases SET warn_at = next_due_at - 86400
    WHERE next_due_at <> 9223372036854775807 AND state NOT IN ('resolved', 'closed')
      AND (warned_for_due IS NULL OR warned_for_due <> next_due_at);
CREATE INDEX cases_open_warn ON cases(warn_at) WHERE state NOT IN ('resolved', 'closed');
