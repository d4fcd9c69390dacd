"""The warehouse: table schemas, Parquet batches and the DuckDB loader."""

from zhnews.transforms.normalize.dates import BEIJING

DB_NAME = "zhnews.duckdb"  # the published warehouse in a data dir: what readers (BI tools, reports) open
WORK_NAME = ".zhnews.work.duckdb"  # the loader's own copy, published as DB_NAME after each completed run
SPARE_NAME = ".zhnews.spare.duckdb"  # the file the last run published over: the next loader's copy, once caught up
TIMEZONE: str = BEIJING.tzname(None)  # "Asia/Shanghai": dumps are Beijing time; sessions show and cut days in it
