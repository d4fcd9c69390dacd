"""The warehouse: table schemas, Parquet batches and the DuckDB loader."""
