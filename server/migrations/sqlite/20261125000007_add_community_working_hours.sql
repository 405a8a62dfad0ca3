-- A community's working hours ('08:30-17:30'); NULL means the default 08:00-18:00.
ALTER TABLE jurisdictions ADD COLUMN working_hours TEXT;
