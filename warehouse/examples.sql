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
