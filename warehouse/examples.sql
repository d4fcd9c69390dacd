-- name: Documents per outlet, newest first
SELECT source, count(*) AS documents, max(published_at) AS latest
FROM documents
GROUP BY source
ORDER BY documents DESC, source;

-- name: Articles per month that mention 日美同盟 (or 美日同盟) in title or body
SELECT date_trunc('month', published_at) AS month, count(*) AS articles
FROM documents
WHERE title LIKE '%日美同盟%' OR body LIKE '%日美同盟%' OR title LIKE '%美日同盟%' OR body LIKE '%美日同盟%'
GROUP BY month
ORDER BY month;

-- name: Where each document was seen (file, position), with its kind of body
SELECT regexp_extract(f.path, '[^/\\]+$') AS file, s.ordinal, d.title, d.source, d.body_kind, d.truncated
FROM sightings s
JOIN documents d USING (doc_id)
JOIN files f USING (file_id)
ORDER BY file, s.ordinal;

-- name: What the cleaner removed, by rule
SELECT regexp_replace(rule, ':.*$', '') AS rule_family, count(*) AS lines
FROM removed_lines
GROUP BY rule_family
ORDER BY lines DESC;

-- name: Input files and what the last loads did with them
SELECT f.path, f.layout, f.encoding, f.status, f.reason, f.doc_count
FROM files f
ORDER BY f.path;

-- name: Ranked search in SQL: BM25 over jieba terms (the query words separated by spaces)
SELECT d.title, d.source, d.published_at, round(z.score, 2) AS score, z.terms
FROM zh_search(zh_query('高市早苗 特朗普')) z
JOIN documents d USING (doc_id)
ORDER BY z.score DESC
LIMIT 10;

-- name: Weekly mentions of the alliance and NATO (documents and occurrences per term)
SELECT week, term, documents, occurrences
FROM v_term_trends
WHERE term IN ('日美同盟', '美日同盟', '北约')
ORDER BY week, term;

-- name: Each document with its Beijing date, first file and top keywords
SELECT published_date, source, title, keywords[1:5] AS top_keywords,
       regexp_extract(first_seen_file, '[^/\\]+$') AS first_file
FROM v_documents
ORDER BY published_date DESC NULLS LAST, title;

-- name: Documents per outlet and day
SELECT day, source, documents, chars
FROM v_daily_by_source
ORDER BY day DESC, documents DESC, source;

-- name: Most frequent terms
SELECT term, count(*) AS documents, sum(tf) AS occurrences
FROM doc_terms
GROUP BY term
ORDER BY occurrences DESC, term
LIMIT 20;
