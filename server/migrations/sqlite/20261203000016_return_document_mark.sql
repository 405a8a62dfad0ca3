-- Which documents came after a return is decided by document id, not by time: a clock in
-- whole seconds cannot order a return and an upload made within the same second.
ALTER TABLE retrofit_applications ADD COLUMN return_document_mark BIGINT;
