-- The monthly report reads a community's cases filed in a month (and the weeks before it):
-- without this the only index with community_id first is by handled time, so the filter on
-- the filing time walked the community's whole history.
CREATE INDEX cases_filed ON cases(community_id, created_at);
