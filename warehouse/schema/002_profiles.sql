-- Issue 6: script of each document, its simplified form, and corpus line counts.
-- Idempotent, like every schema file.

ALTER TABLE documents ADD COLUMN IF NOT EXISTS script VARCHAR;            -- simplified | traditional
ALTER TABLE documents ADD COLUMN IF NOT EXISTS title_simplified VARCHAR;  -- set when script = traditional
ALTER TABLE documents ADD COLUMN IF NOT EXISTS body_simplified VARCHAR;   -- set when script = traditional

-- Hashes of each loaded file's short non-sentence lines, by site (profile) family: the corpus
-- counts behind the `corpus_repeat` rule. Replaced with the file, like removed_lines.
CREATE TABLE IF NOT EXISTS line_hashes (
    file_id    VARCHAR NOT NULL,
    site       VARCHAR NOT NULL,                -- the dump's most specific profile, or *
    line_hash  VARCHAR NOT NULL                 -- transforms.corpus_lines.line_hash
);

-- How many files of each site hold each line (CCNet-style line frequency).
CREATE OR REPLACE VIEW line_stats AS
SELECT site, line_hash, count(DISTINCT file_id) AS files FROM line_hashes GROUP BY site, line_hash;
