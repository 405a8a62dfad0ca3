-- A concierge's optional photo (a stored blob's content hash), shown to the building's
-- residents beside the contact so they know whom to expect at the door.
ALTER TABLE building_concierges ADD COLUMN photo_hash TEXT;
