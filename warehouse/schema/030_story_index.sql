-- What the stories pass needs to place new documents without reading the others (warehouse/stories.py).
-- story_docs: one row per document the pass considers (at least MIN_SHINGLES shingles), with the
-- links it found for it; story_keys: its LSH band keys (repost and excerpt bands), looked up by key.
CREATE TABLE IF NOT EXISTS story_docs (
    doc_no        UINTEGER NOT NULL,          -- the document's number in story_keys
    doc_id        VARCHAR NOT NULL,
    published_us  BIGINT,                     -- publication time, µs since the epoch: with doc_id, the pass's order
    partial       BOOLEAN NOT NULL,           -- snippet, summary or truncated: an excerpt, never a source
    shingles      INTEGER NOT NULL,
    leader        VARCHAR,                    -- a repost of this story leader (NULL: it leads one)
    similarity    DOUBLE,                     -- its MinHash Jaccard estimate with the leader
    source        VARCHAR,                    -- an excerpt of this full document (NULL: of none)
    containment   DOUBLE                      -- the exact containment in the source
);

CREATE TABLE IF NOT EXISTS story_keys (
    key     UINTEGER NOT NULL,                -- band key (transforms.neardup.repost_keys, excerpt_keys)
    doc_no  UINTEGER NOT NULL
);

-- Documents loaded, replaced or dropped since the stories pass last ran: the loader adds them in
-- the load's transaction, the pass places them and empties it.
CREATE TABLE IF NOT EXISTS stories_pending (
    doc_id  VARCHAR NOT NULL
);

-- The files of the stories index beside the warehouse (warehouse/story_index.py): the sorted band keys
-- and the signatures by doc_no, a base and a delta of each, in data/.zhnews.story-keys/, named by their
-- content. name NULL: an empty part.
CREATE TABLE IF NOT EXISTS story_key_files (
    role         VARCHAR NOT NULL,            -- base | delta | base_signatures | delta_signatures
    name         VARCHAR,
    size         BIGINT NOT NULL,             -- numbers in the file
    next_doc_no  UBIGINT NOT NULL             -- above every doc_no the files list: none is given again
);
