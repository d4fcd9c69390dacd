-- The Parquet files whose batch was committed to DuckDB (paths relative to the data dir).
-- Written in the batch's transaction; a run removes Parquet files not listed here, which a
-- killed run left behind before its batch was committed.
CREATE TABLE IF NOT EXISTS parquet_files (
    path     VARCHAR NOT NULL
);
