"""Lists of ids handed to DuckDB as Arrow relations, not as Python list parameters.

DuckDB converts a Python list parameter (`unnest(?::VARCHAR[])`) element by element, and
without pandas installed it tries to import pandas once per element: 50,000 ids took seconds.
An Arrow array is handed over in one piece.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

import duckdb
import pyarrow as pa

_names = itertools.count()


@contextmanager
def registered_ids(con: duckdb.DuckDBPyConnection, ids: Iterable[str]) -> Iterator[str]:
    """Register `ids` on `con` as a one-column relation (`id VARCHAR`) for the `with` block; yields its
    name, for queries such as `... WHERE doc_id IN (SELECT id FROM {name})`."""
    name = f"_ids_{next(_names)}"
    con.register(name, pa.table({"id": pa.array(ids if isinstance(ids, list) else list(ids), pa.string())}))
    try:
        yield name
    finally:
        con.unregister(name)
