-- Modification time of each input file as of its latest load, so that a re-run can skip a file
-- whose size and mtime are unchanged without reading it (like rsync's quick check); a file whose
-- mtime changed is read and compared by content hash.
ALTER TABLE files ADD COLUMN IF NOT EXISTS mtime_ns BIGINT;
