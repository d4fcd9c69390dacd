-- People, places and organisations of each document (zhnews.warehouse.entities), computed once per
-- document version right after each load, and again by `zhnews reindex` after a dictionary change.
-- `entity` is the name as printed; `entity_simplified` its Simplified form, which the views group by
-- (a name's Traditional and Simplified spellings are one entity). kind: person | place | org.
CREATE TABLE IF NOT EXISTS doc_entities (
    doc_id             VARCHAR NOT NULL,
    entity             VARCHAR NOT NULL,
    entity_simplified  VARCHAR NOT NULL,
    kind               VARCHAR NOT NULL,
    mentions           INTEGER NOT NULL,   -- in title + body
    in_title           BOOLEAN NOT NULL
);

-- Which version of each document (md5 of title, line end, body) its doc_entities were computed from,
-- and with which names and rules (a fingerprint of the dictionaries, stoplists and tagger), so a
-- run computes only new or changed documents.
CREATE TABLE IF NOT EXISTS entity_versions (
    doc_id   VARCHAR NOT NULL,
    version  VARCHAR NOT NULL,
    rules    VARCHAR NOT NULL
);

-- Documents loaded, replaced or dropped since the entities step last ran: the loader adds them in the
-- load's transaction, the step looks at them (and no other document) and empties it.
CREATE TABLE IF NOT EXISTS entities_pending (
    doc_id  VARCHAR NOT NULL
);

-- Documents naming an entity per Beijing day and outlet.
CREATE OR REPLACE VIEW v_entity_trends AS
SELECT e.entity_simplified AS entity, e.kind,
       CAST(timezone('{TIMEZONE}', d.published_at) AS DATE) AS day,
       d.source AS outlet, count(DISTINCT e.doc_id) AS documents
FROM doc_entities e JOIN documents d USING (doc_id)
WHERE d.published_at IS NOT NULL
GROUP BY ALL;

-- Two entities named in one document (each pair once, entity_a < entity_b), counted over documents.
CREATE OR REPLACE VIEW v_entity_pairs AS
SELECT a.entity_simplified AS entity_a, a.kind AS kind_a, b.entity_simplified AS entity_b, b.kind AS kind_b,
       count(DISTINCT a.doc_id) AS documents
FROM doc_entities a JOIN doc_entities b
  ON a.doc_id = b.doc_id AND (a.entity_simplified, a.kind) < (b.entity_simplified, b.kind)
GROUP BY ALL;
