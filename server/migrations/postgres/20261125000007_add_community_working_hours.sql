-- A community's working hours ('08:30-17:30'); NULL means the default 08:00-18:00.
-- PostgreSQL twin of the SQLite migration of the same name; keep them in step.
ALTER TABLE jurisdictions ADD COLUMN working_hours TEXT;
