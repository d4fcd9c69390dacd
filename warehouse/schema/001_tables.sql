-- zhnews warehouse tables. Applied in file-name order by warehouse.store on every open;
-- every statement is idempotent. Names and the columns files(file_id, path),
-- sightings(doc_id, file_id, ordinal), documents(doc_id, title, source, published_at, body)
-- are a contract with users and tools.

-- One row per input file (identified by its absolute path), as of its latest content.
CREATE TABLE IF NOT EXISTS files (
    file_id             VARCHAR NOT NULL,   -- blake2b of the absolute path
    path                VARCHAR NOT NULL,
    size_bytes          BIGINT,
    content_hash        VARCHAR,            -- blake2b of the bytes
    encoding            VARCHAR,
    encoding_confidence DOUBLE,
    layout              VARCHAR,
    profiles            VARCHAR[],          -- site profiles that applied
    status              VARCHAR NOT NULL,   -- loaded | quarantined
    reason              VARCHAR,            -- why quarantined / flagged
    doc_count           INTEGER
);

-- One row per distinct article (doc_id from normalized content).
CREATE TABLE IF NOT EXISTS documents (
    doc_id        VARCHAR NOT NULL,
    title         VARCHAR,
    source        VARCHAR,                  -- outlet, Chinese name
    source_raw    VARCHAR,                  -- outlet as the dump wrote it
    published_at  TIMESTAMPTZ,
    body          VARCHAR,
    body_kind     VARCHAR,                  -- full | snippet | summary
    truncated     BOOLEAN,
    topic         VARCHAR,                  -- search topic of the listing it came from
    author        VARCHAR,
    layout        VARCHAR,
    flags         VARCHAR[],
    extra         MAP(VARCHAR, VARCHAR),    -- other metadata fields (origin_title, editor, ...)
    char_count    INTEGER
);

-- Where each document was seen: file and position in the file.
CREATE TABLE IF NOT EXISTS sightings (
    doc_id   VARCHAR NOT NULL,
    file_id  VARCHAR NOT NULL,
    ordinal  INTEGER NOT NULL,              -- 1-based position in the file
    layout   VARCHAR,
    topic    VARCHAR
);

-- Every line taken out of a body or a page, with the rule that took it.
CREATE TABLE IF NOT EXISTS removed_lines (
    file_id  VARCHAR NOT NULL,
    line_no  INTEGER NOT NULL,              -- 1-based line in the decoded file
    text     VARCHAR,
    rule     VARCHAR NOT NULL               -- e.g. footer_marker:热门资讯, netease:image_placeholder, field:title
);

-- One row per run of `zhnews ingest` (a load), dlt style.
CREATE TABLE IF NOT EXISTS loads (
    load_id            VARCHAR NOT NULL,
    started_at         TIMESTAMPTZ NOT NULL,
    finished_at        TIMESTAMPTZ,
    status             VARCHAR NOT NULL,    -- running | completed | failed
    files_seen         INTEGER,
    files_loaded       INTEGER,
    files_unchanged    INTEGER,
    files_quarantined  INTEGER,
    documents_new      INTEGER,
    sightings_written  INTEGER,
    lines_removed      INTEGER,
    message            VARCHAR
);

-- What each load did with each input file.
CREATE TABLE IF NOT EXISTS file_events (
    load_id  VARCHAR NOT NULL,
    file_id  VARCHAR NOT NULL,
    path     VARCHAR NOT NULL,
    outcome  VARCHAR NOT NULL,              -- loaded | unchanged | quarantined
    reason   VARCHAR
);
