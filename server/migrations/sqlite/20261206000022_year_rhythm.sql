-- The year's rhythm per county (anju_domain::retrofit_report::YearDates): a county that sets
-- none follows the national dates. Dates are YYYY-MM-DD.
CREATE TABLE retrofit_year_dates (
    county_id BIGINT NOT NULL REFERENCES jurisdictions(id),
    year BIGINT NOT NULL,
    mobilise_by TEXT NOT NULL,
    accept_by TEXT NOT NULL,
    summary_by TEXT NOT NULL,
    report_by TEXT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (county_id, year)
);

-- Each reminder (a month or a week before a date) goes out once per county and year: the key
-- refuses a second, also from a second instance.
CREATE TABLE retrofit_year_reminders (
    county_id BIGINT NOT NULL REFERENCES jurisdictions(id),
    year BIGINT NOT NULL,
    milestone TEXT NOT NULL,
    lead TEXT NOT NULL,
    sent_at BIGINT NOT NULL,
    PRIMARY KEY (county_id, year, milestone, lead)
);
