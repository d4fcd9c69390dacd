-- What the current doc_stories were computed from: a fingerprint of every input of the stories
-- pass (documents' ids, times, kinds, texts, signatures, and the pass's own parameters), so a
-- load that changed none of them (e.g. files holding only documents already stored) skips it.
CREATE TABLE IF NOT EXISTS stories_input (
    fingerprint UBIGINT NOT NULL,
    stories     BIGINT NOT NULL
);
