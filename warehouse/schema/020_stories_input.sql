-- The stories pass's parameters (a fingerprint) and the number of stories when it last ran: stories
-- stored by other parameters are recomputed in full; otherwise a pass places only the documents
-- of stories_pending (030_story_index.sql).
CREATE TABLE IF NOT EXISTS stories_input (
    fingerprint UBIGINT NOT NULL,
    stories     BIGINT NOT NULL
);
