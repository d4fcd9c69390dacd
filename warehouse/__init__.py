"""The warehouse: table schemas, Parquet batches and the DuckDB loader."""

from zhnews.transforms.normalize.dates import BEIJING

DB_NAME = "zhnews.duckdb"  # the warehouse file in a data dir
TIMEZONE: str = BEIJING.tzname(None)  # "Asia/Shanghai": dumps are Beijing time; sessions show and cut days in it
