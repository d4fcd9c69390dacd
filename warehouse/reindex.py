"""Recompute every document's terms, keywords and signature in place (after a dictionary change)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import duckdb
import pyarrow as pa

from warehouse.records import ANALYTICS_TABLES, BATCH_TABLES


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


def replace_analytics(con: duckdb.DuckDBPyConnection, rows: dict[str, list[dict]]) -> None:
    """Replace the analytics rows of the documents in `rows["doc_signatures"]`, in one transaction."""
    doc_ids = sorted({r["doc_id"] for r in rows["doc_signatures"]})
    con.execute("BEGIN TRANSACTION")
    try:
        for table in ANALYTICS_TABLES:
            con.execute(f"DELETE FROM {table} WHERE doc_id IN (SELECT unnest(?::VARCHAR[]))", [doc_ids])
            arrow = pa.Table.from_pylist(rows.get(table, []), schema=BATCH_TABLES[table]).drop_columns(["version"])
            con.register("reindexed", arrow)
            con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM reindexed")
            con.unregister("reindexed")
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def reindex_all(
    con: duckdb.DuckDBPyConnection,
    analyse: Callable[[str, str | None, str], dict[str, list[dict]]],
    chunk: int = 2000,
    on_chunk: Callable[[int], None] | None = None,
) -> int:
    """Re-analyse every document (`analyse(doc_id, title, body)` → analytics rows); returns the count."""
    done = 0
    for docs in documents_in_chunks(con, chunk):
        rows: dict[str, list[dict]] = {t: [] for t in ANALYTICS_TABLES}
        for doc_id, title, body in docs:
            for table, table_rows in analyse(doc_id, title, body).items():
                rows[table].extend(table_rows)
        replace_analytics(con, rows)
        done += len(docs)
        if on_chunk:
            on_chunk(len(docs))
    return done
