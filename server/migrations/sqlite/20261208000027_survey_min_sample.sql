-- Below this many counted answers a community's month gets no verdict, only a note that the
-- sample is too small: one happy household is not "达标". Set with the target, per version.
ALTER TABLE survey_versions ADD COLUMN min_sample BIGINT NOT NULL DEFAULT 30;
