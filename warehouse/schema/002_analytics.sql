-- Text analytics: jieba terms and keywords, near-duplicate stories, ranked search, BI views.
-- Terms, keywords and signatures are computed once per document at ingest (flows/extract.py) and
-- follow the version of the document the warehouse keeps; stories are rebuilt after each load.
-- {TIMEZONE} is the zone of Beijing time (Asia/Shanghai), filled in from zhnews.warehouse.TIMEZONE.

-- Search terms of a document: jieba accurate-mode tokens of title + body, case-folded, without
-- stopwords and punctuation. tf counts title and body; in_title says the term is in the title.
CREATE TABLE IF NOT EXISTS doc_terms (
    doc_id    VARCHAR NOT NULL,
    term      VARCHAR NOT NULL,
    tf        INTEGER NOT NULL,
    in_title  BOOLEAN NOT NULL
);

-- TF-IDF keywords (jieba.analyse's formula and IDF table), best first.
CREATE TABLE IF NOT EXISTS doc_keywords (
    doc_id   VARCHAR NOT NULL,
    keyword  VARCHAR NOT NULL,
    weight   DOUBLE NOT NULL,
    rank     SMALLINT NOT NULL
);

-- Per-document numbers computed at ingest: its length in terms (BM25) and the MinHash signature of
-- its character 5-grams (near-duplicates), so re-runs never recompute them.
CREATE TABLE IF NOT EXISTS doc_signatures (
    doc_id      VARCHAR NOT NULL,
    term_count  INTEGER NOT NULL,
    shingles    INTEGER NOT NULL,           -- distinct character 5-grams
    minhash     UINTEGER[] NOT NULL         -- 128 values (datasketch, scheme affine32, seed 1)
);

-- Near-duplicate stories: reposts with small edits of a story's first document (Jaccard of 5-gram
-- sets >= 0.6) and listing snippets contained in a full article (containment >= 0.8).
-- story_id is the doc_id of the story's earliest document; similarity is what linked the document.
CREATE TABLE IF NOT EXISTS doc_stories (
    doc_id      VARCHAR NOT NULL,
    story_id    VARCHAR NOT NULL,
    similarity  DOUBLE NOT NULL,
    relation    VARCHAR NOT NULL            -- first (the story's earliest document) | repost | excerpt | contains
);

-- zh_query('日美同盟|美日同盟 特朗普'): the words of a query typed with spaces, case-folded, as a list;
-- words joined by | are synonyms (one concept: a document may use either).
CREATE OR REPLACE MACRO zh_query(q) AS list_filter(string_split_regex(lower(trim(q)), '\s+'), x -> x <> '');

-- zh_search(concepts): documents ranked by BM25 over doc_terms (k1 1.2, b 0.75; a title hit counts
-- as `title_weight` extra occurrences; synonyms of one concept add up as if one term).
-- Use: SELECT * FROM zh_search(zh_query('日美同盟 特朗普')). Returns doc_id, score,
-- matched_terms (how many of the query's concepts the document has) and terms (the terms found).
CREATE OR REPLACE MACRO zh_search(query_terms, k1 := 1.2, b := 0.75, title_weight := 2) AS TABLE
WITH concepts AS (
    SELECT concept, unnest(string_split(concept, '|')) AS term
    FROM (SELECT DISTINCT lower(trim(c)) AS concept FROM (SELECT unnest(query_terms) AS c))
),
q AS (SELECT DISTINCT concept, trim(term) AS term FROM concepts WHERE trim(term) <> ''),
corpus AS (SELECT count(*) AS n, greatest(avg(term_count), 1) AS avgdl FROM doc_signatures),
hits AS (
    SELECT t.doc_id, q.concept, sum(t.tf + title_weight * CAST(t.in_title AS INTEGER)) AS tf, list(t.term) AS terms
    FROM doc_terms t JOIN q USING (term)
    GROUP BY t.doc_id, q.concept
),
df AS (SELECT concept, count(*) AS df FROM hits GROUP BY concept)
SELECT h.doc_id,
       sum(ln(1 + (c.n - df.df + 0.5) / (df.df + 0.5))
           * h.tf * (k1 + 1) / (h.tf + k1 * (1 - b + b * s.term_count / c.avgdl))) AS score,
       count(*) AS matched_terms,
       list_sort(flatten(list(h.terms))) AS terms
FROM hits h JOIN df USING (concept) JOIN doc_signatures s USING (doc_id) CROSS JOIN corpus c
GROUP BY h.doc_id;

-- One row per document for BI tools: Beijing date, first file it was seen in, keywords, story.
CREATE OR REPLACE VIEW v_documents AS
WITH first_load AS (
    SELECT fe.file_id, min(l.started_at) AS first_loaded
    FROM file_events fe JOIN loads l USING (load_id)
    WHERE fe.outcome = 'loaded'
    GROUP BY fe.file_id
),
seen AS (
    SELECT s.doc_id,
           arg_min(f.path, (coalesce(fl.first_loaded, TIMESTAMPTZ '9999-12-31'), f.path, s.ordinal)) AS first_seen_file,
           count(*) AS sightings
    FROM sightings s JOIN files f USING (file_id) LEFT JOIN first_load fl USING (file_id)
    GROUP BY s.doc_id
),
kw AS (SELECT doc_id, list(keyword ORDER BY rank) AS keywords FROM doc_keywords GROUP BY doc_id)
SELECT d.doc_id, d.title, d.source, d.published_at,
       CAST(timezone('{TIMEZONE}', d.published_at) AS DATE) AS published_date,
       d.body_kind, d.truncated, d.char_count, d.layout,
       seen.first_seen_file, seen.sightings, kw.keywords, st.story_id
FROM documents d
LEFT JOIN seen USING (doc_id)
LEFT JOIN kw USING (doc_id)
LEFT JOIN doc_stories st USING (doc_id);

-- Documents and characters per outlet and Beijing day. Counts are BIGINT (DuckDB's sum of integers is
-- HUGEINT, which pandas and most BI drivers read as floating point).
CREATE OR REPLACE VIEW v_daily_by_source AS
SELECT CAST(timezone('{TIMEZONE}', published_at) AS DATE) AS day, source,
       count(*) AS documents, CAST(sum(char_count) AS BIGINT) AS chars
FROM documents
GROUP BY day, source;

-- Term counts per week (weeks start on Monday, Beijing time): documents that use the term, occurrences.
CREATE OR REPLACE VIEW v_term_trends AS
SELECT CAST(date_trunc('week', timezone('{TIMEZONE}', d.published_at)) AS DATE) AS week, t.term,
       count(*) AS documents, CAST(sum(t.tf) AS BIGINT) AS occurrences
FROM doc_terms t JOIN documents d USING (doc_id)
WHERE d.published_at IS NOT NULL
GROUP BY week, t.term;

-- Near-duplicate stories with their outlets and first / last publication.
CREATE OR REPLACE VIEW v_stories AS
SELECT st.story_id, first(f.title) AS title, count(*) AS documents,
       list(DISTINCT d.source ORDER BY d.source) FILTER (WHERE d.source IS NOT NULL) AS outlets,
       min(d.published_at) AS first_published, max(d.published_at) AS last_published,
       min(st.similarity) AS min_similarity
FROM doc_stories st
JOIN documents d USING (doc_id)
LEFT JOIN documents f ON f.doc_id = st.story_id
GROUP BY st.story_id;
