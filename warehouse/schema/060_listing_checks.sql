-- The last listing of input files that the check of unchanged files found all unchanged: its digest
-- (flows.inputs.Listing.digest: paths, sizes and modification times) and the run_log's last seq then.
-- A run whose listing has that digest, with nothing logged since (no file loaded, forgotten or
-- touched), has nothing to read and skips the comparison with `files` (warehouse/store.py).
CREATE TABLE IF NOT EXISTS listing_checks (
    digest  VARCHAR NOT NULL,
    seq     BIGINT NOT NULL
);
