"""Recompute every document's terms, keywords and signature in place (after a dictionary change)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import duckdb
import pyarrow as pa
from zhnews.transforms.doc_text import analyse_stored
from zhnews.transforms.segment import Segmenter
from zhnews.warehouse.id_sets import registered_ids
from zhnews.warehouse.records import ANALYTICS_TABLES, batch_analytics


def documents_in_chunks(con: duckdb.DuckDBPyConnection, size: int) -> Iterator[list[tuple[str, str | None, str]]]:
    """(doc_id, title, body) of every document, `size` at a time, in doc_id order (keyset paging)."""
    last = ""
    while True:
        rows = con.execute(
            "SELECT doc_id, title, coalesce(body, '') FROM documents WHERE doc_id > ? ORDER BY doc_id LIMIT ?",
            [last, size],
        ).fetchall()
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def replace_analytics(con: duckdb.DuckDBPyConnection, tables: dict[str, pa.Table]) -> None:
    """Replace the analytics rows of the documents in `tables["doc_signatures"]`, in one transaction."""
    doc_ids = sorted(set(tables["doc_signatures"]["doc_id"].to_pylist()))
    con.execute("BEGIN TRANSACTION")
    try:
        with registered_ids(con, doc_ids) as ids:
            for table in ANALYTICS_TABLES:
                con.execute(f"DELETE FROM {table} WHERE doc_id IN (SELECT id FROM {ids})")
                arrow = tables[table].drop_columns(["version"])
                con.register("reindexed", arrow)
                con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM reindexed")
                con.unregister("reindexed")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def reindex_all(
    con: duckdb.DuckDBPyConnection,
    segmenter: Segmenter,
    chunk: int = 2000,
    on_chunk: Callable[[int], None] | None = None,
) -> int:
    """Re-analyse every document with `segmenter`, `chunk` documents at a time; returns the count."""
    done = 0
    for docs in documents_in_chunks(con, chunk):
        replace_analytics(con, batch_analytics(analyse_stored(docs, segmenter)))
        done += len(docs)
        if on_chunk:
            on_chunk(len(docs))
    return done
