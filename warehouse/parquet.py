"""Writing a batch's rows as Parquet files: explicit schemas, zstd, atomic rename."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterable
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from zhnews.warehouse.records import BATCH_TABLES

COMPRESSION = "zstd"
# Columns of distinct values, written without dictionary encoding (Parquet's writer would try a
# dictionary first and give it up: MinHash values are random 32-bit numbers).
PLAIN_COLUMNS = {"doc_signatures": frozenset({"minhash"})}


def parquet_dir(data_dir: Path, table: str) -> Path:
    """Where a table's batch files live: `DATA_DIR/parquet/<table>/`."""
    return data_dir / "parquet" / table


def to_table(table: str, rows: list[dict] | dict[str, list] | pa.Table) -> pa.Table:
    """Rows (dicts, a dict of columns, or an Arrow table) as an Arrow table with the table's schema."""
    if isinstance(rows, pa.Table):
        return rows.cast(BATCH_TABLES[table])
    if isinstance(rows, dict):
        return pa.Table.from_pydict(rows, schema=BATCH_TABLES[table])
    return pa.Table.from_pylist(rows, schema=BATCH_TABLES[table])


def write_atomic(table: pa.Table, path: Path, plain: frozenset[str] = frozenset()) -> Path:
    """Write `table` to `path` via a temporary file in the same folder and a rename; the `plain`
    columns without dictionary encoding."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    dictionary = [name for name in table.column_names if name not in plain] if plain else True
    try:
        pq.write_table(table, tmp, compression=COMPRESSION, use_dictionary=dictionary)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


# Tables that log every run (rather than hold data) get one file per load and batch.
PER_LOAD_TABLES = frozenset({"file_events"})


Rows = list[dict] | dict[str, list] | pa.Table


def write_batch(
    data_dir: Path, batch_key: str, rows: dict[str, Rows] | Iterable[tuple[str, Rows]], load_id: str
) -> dict[str, Path]:
    """Write each non-empty table of a batch to `parquet/<table>/batch-<key>.parquet`.

    `rows` are the tables' rows by name, or (name, rows) pairs: given an iterator, each table can
    be built as it is written, and dropped before the next.

    The key is derived from the batch's inputs, so a re-run after a crash overwrites its own
    half-finished batch instead of adding a second copy. Run logs (`file_events`) are named
    by load instead, so every run keeps its own.
    """
    written = {}
    for table, table_rows in rows.items() if isinstance(rows, dict) else rows:
        if len(table_rows) and (not isinstance(table_rows, dict) or table_rows.get("doc_id")):
            name = f"{load_id}-{batch_key}" if table in PER_LOAD_TABLES else f"batch-{batch_key}"
            path = parquet_dir(data_dir, table) / f"{name}.parquet"
            written[table] = write_atomic(to_table(table, table_rows), path, PLAIN_COLUMNS.get(table, frozenset()))
        del table_rows  # before the next table is built
    return written
