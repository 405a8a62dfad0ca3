-- What the family did about each item of a return: the screen saved again since it, or a reply
-- in words the reviewer reads. One row an item a return (`returned_at` names the return), so a
-- second save or reply updates it; the application's next return starts afresh.
CREATE TABLE retrofit_return_answers (
    application_id BIGINT NOT NULL REFERENCES retrofit_applications(id),
    returned_at BIGINT NOT NULL,
    item TEXT NOT NULL,
    saved_at BIGINT,
    reply TEXT,
    replied_by BIGINT REFERENCES accounts(id),
    replied_at BIGINT,
    PRIMARY KEY (application_id, returned_at, item)
);
