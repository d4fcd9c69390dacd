-- What was done to the warehouse, in order, in the transactions that did it: so the file a run
-- published over (kept as data/.zhnews.spare.duckdb) is brought up to date by doing the same again
-- instead of copying the whole published file (warehouse/store.py, `_catch_up`).
CREATE TABLE IF NOT EXISTS run_log (
    seq  BIGINT NOT NULL,
    op   VARCHAR NOT NULL,       -- load | forget | mtimes | stories | entities | unlogged (a session that cannot be done again)
    arg  VARCHAR                 -- load: {table: Parquet path in the data dir}; forget: [file_id, ...];
                                 -- entities: [doc_id, ...] whose doc_entities were written or dropped;
                                 -- mtimes: [[file_id, mtime_ns], ...] of files found unchanged
);
