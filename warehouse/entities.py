"""Keep `doc_entities` up to date: computed for each new or changed document version.

An ingest's batches bring the entities of their documents (`flows.batches.batch_entities`, loaded
with the batch: `Warehouse.load_batch`). `update_entities` then looks at the documents the loads
brought, replaced or dropped (`entities_pending`, which the loader fills): it drops the entities of
those the warehouse no longer holds and computes those whose entities are still missing (loaded with
`--entities off`, by an older zhnews) or were computed from another version of the document or other
names and rules (`entity_versions`), `chunk` documents at a time, one transaction each. So a run
costs what it brought, not what the warehouse holds; only when the counts of documents and entity
versions disagree (documents written outside the loader, a warehouse of an earlier zhnews) does it
compare every document. A run that brought nothing computes nothing and builds no model. `recompute_entities` (reindex)
recomputes every document. `log` (an ingest's `Warehouse.log_entities`) is told, in each of those
transactions, which documents' entities it wrote or dropped: the next run catches the file this run
published over up by copying them (`copy_entities`), not by running the model again.

With `workers` (worker processes that have the extractor), a run of `POOL_CHUNKS` chunks or more
computes them in those processes while this one reads the next chunks and writes the
finished ones, in order: the tables are those one process writes (a document's entities depend only
on its text and the rules).
"""

from __future__ import annotations

import contextlib
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future
from contextlib import AbstractContextManager

import duckdb
from zhnews.transforms.doc_text import VERSION_SQL
from zhnews.transforms.entities import Entity, EntityExtractor, analysed_text
from zhnews.warehouse.id_sets import registered_ids
from zhnews.warehouse.records import entity_tables

CHUNK = 500  # documents a transaction
POOL_CHUNKS = 20  # fewer chunks (10,000 documents) are computed here: starting worker processes (~2-3 s of CPU
# each) made the 3 MB bench corpus' ingest (10 chunks) slower on the shared 2 cores (README)
AHEAD = 4  # chunks handed to worker processes and not written yet
Submit = Callable[[list[tuple[str, str]], list[tuple[str, str] | None]], "Future[list[list[Entity]]]"]
"""(docs, printed) -> the future of `EntityExtractor.extract_many(docs, printed)` in a worker process"""
Docs = tuple[list[tuple[str, str]], list[tuple[str, str] | None]]  # extract_many's (title, body) and printed forms

_MISSING = "SELECT doc_id FROM documents WHERE doc_id NOT IN (SELECT doc_id FROM entity_versions)"
_COUNTS_DIFFER = "SELECT (SELECT count(*) FROM documents) <> (SELECT count(*) FROM entity_versions)"  # no scan


def entities_out_of_date(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether `update_entities` has anything to look at (without a scan of the tables)."""
    pending = con.execute("SELECT EXISTS (SELECT 1 FROM entities_pending)").fetchone()[0]
    return bool(pending or con.execute(_COUNTS_DIFFER).fetchone()[0])


def update_entities(
    con: duckdb.DuckDBPyConnection,
    extractor: EntityExtractor | Callable[[], EntityExtractor],
    rules: str,
    chunk: int = CHUNK,
    on_chunk: Callable[[int], None] | None = None,
    everything: bool = False,
    log: Callable[[list[str]], None] | None = None,
    workers: Callable[[], AbstractContextManager[Submit]] | None = None,
) -> int:
    """Compute the entities of the pending documents (`entities_pending`) whose entities are missing,
    of another version or of other rules, and drop those of pending documents the warehouse no longer
    holds (`everything`: every document computed). Returns how many documents were computed.
    `extractor`: the extractor, or what builds it (called only when there is a document to compute: a
    run whose batches brought their entities loads no model). `workers`: starts worker processes that
    compute a chunk each call (`flows.entity_pool`), for runs of `POOL_CHUNKS` chunks or more."""
    pending = [r[0] for r in con.execute("SELECT DISTINCT doc_id FROM entities_pending ORDER BY doc_id").fetchall()]
    if not isinstance(extractor, EntityExtractor):
        extractor = _built_once(extractor)
    if everything:
        _drop_orphans(con, log)
        todo = [r[0] for r in con.execute("SELECT doc_id FROM documents ORDER BY doc_id").fetchall()]
    else:
        todo = _pending_todo(con, pending, rules, log)
    computed = _compute(con, extractor, rules, todo, chunk, on_chunk, log, workers)
    _forget_pending(con)
    if not everything and con.execute(_COUNTS_DIFFER).fetchone()[0]:  # written outside the loader: every document
        _drop_orphans(con, log)
        missing = [r[0] for r in con.execute(_MISSING + " ORDER BY doc_id").fetchall()]
        computed += _compute(con, extractor, rules, missing, chunk, on_chunk, log, workers)
    return computed


def _pending_todo(
    con: duckdb.DuckDBPyConnection, pending: list[str], rules: str, log: Callable[[list[str]], None] | None
) -> list[str]:
    """Of the pending documents: drop the entities of those the warehouse no longer holds (logged);
    return those to compute (entities missing, of another version or other rules)."""
    if not pending:
        return []
    with registered_ids(con, pending) as ids:
        versions = dict(
            con.execute(  # the rows found by a scan of doc_id only, then fetched
                f"SELECT doc_id, {VERSION_SQL.format(t='')} FROM documents WHERE rowid IN"
                f" (SELECT rowid FROM documents WHERE doc_id IN (SELECT id FROM {ids}))"
            ).fetchall()
        )
        stored = {
            doc_id: (version, used)
            for doc_id, version, used in con.execute(
                f"SELECT doc_id, version, rules FROM entity_versions WHERE doc_id IN (SELECT id FROM {ids})"
            ).fetchall()
        }
    gone = [d for d in pending if d not in versions and d in stored]
    if gone:
        with _transaction(con), registered_ids(con, gone) as ids:
            for table in ("entity_versions", "doc_entities", "entities_pending"):
                con.execute(f"DELETE FROM {table} WHERE doc_id IN (SELECT id FROM {ids})")
            if log is not None:
                log(gone)
    return [d for d, version in versions.items() if stored.get(d) != (version, rules)]


def _compute(
    con: duckdb.DuckDBPyConnection,
    extractor: EntityExtractor | Callable[[], EntityExtractor],
    rules: str,
    todo: list[str],
    chunk: int,
    on_chunk: Callable[[int], None] | None,
    log: Callable[[list[str]], None] | None,
    workers: Callable[[], AbstractContextManager[Submit]] | None,
) -> int:
    """Compute and write the entities of the documents `todo`, in order; returns how many."""
    todo = sorted(todo)
    if not todo:
        return 0
    if not isinstance(extractor, EntityExtractor):
        extractor = extractor()
    if workers is None or len(todo) < POOL_CHUNKS * chunk:
        for rows in _chunks(con, todo, chunk):
            _write(con, rules, rows, extractor.extract_many(*_docs(rows)), log)
            if on_chunk:
                on_chunk(len(rows))
        return len(todo)
    with workers() as submit:
        pending: deque[tuple[list, Future]] = deque()
        for rows in _chunks(con, todo, chunk):
            pending.append((rows, submit(*_docs(rows))))
            if len(pending) > AHEAD:  # a few chunks ahead: every worker busy, memory bounded
                _write_next(con, rules, pending, log, on_chunk)
        while pending:
            _write_next(con, rules, pending, log, on_chunk)
    return len(todo)


def _forget_pending(con: duckdb.DuckDBPyConnection) -> None:
    """Empty `entities_pending` (its documents are up to date now). Not logged: the catch-up copies the
    published file's `entities_pending` as it ends (logging these documents made it copy the entities
    their batches had brought, which its loads had just written: 0.37 s of CPU after 5 files at 300 MB)."""
    con.execute("DELETE FROM entities_pending")


def _write_next(
    con: duckdb.DuckDBPyConnection,
    rules: str,
    pending: deque[tuple[list, Future]],
    log: Callable[[list[str]], None] | None,
    on_chunk: Callable[[int], None] | None,
) -> None:
    rows, found = pending.popleft()
    _write(con, rules, rows, found.result(), log)
    if on_chunk:
        on_chunk(len(rows))


def _drop_orphans(con: duckdb.DuckDBPyConnection, log: Callable[[list[str]], None] | None) -> None:
    """Drop the entities of documents the warehouse no longer holds (logged, if any)."""
    with _transaction(con):
        gone = con.execute(
            "DELETE FROM entity_versions WHERE doc_id NOT IN (SELECT doc_id FROM documents) RETURNING doc_id"
        ).fetchall()
        gone += con.execute(
            "DELETE FROM doc_entities WHERE doc_id NOT IN (SELECT doc_id FROM documents) RETURNING doc_id"
        ).fetchall()
        if gone:
            with registered_ids(con, sorted({r[0] for r in gone})) as ids:
                con.execute(f"DELETE FROM entities_pending WHERE doc_id IN (SELECT id FROM {ids})")
            if log is not None:
                log(sorted({r[0] for r in gone}))


def copy_entities(con: duckdb.DuckDBPyConnection, doc_ids: list[str], source: str) -> None:
    """Give these documents the `doc_entities` and `entity_versions` rows the attached database
    `source` holds for them (none: they have none), in the caller's transaction; they are no longer pending."""
    with registered_ids(con, doc_ids) as ids:
        for table in ("doc_entities", "entity_versions"):
            con.execute(f"DELETE FROM {table} WHERE doc_id IN (SELECT id FROM {ids})")
            con.execute(
                f"INSERT INTO {table} BY NAME SELECT * FROM {source}.{table} WHERE doc_id IN (SELECT id FROM {ids})"
            )
        con.execute(f"DELETE FROM entities_pending WHERE doc_id IN (SELECT id FROM {ids})")


def _chunks(con: duckdb.DuckDBPyConnection, todo: list[str], chunk: int) -> Iterator[list[tuple]]:
    """(doc_id, version, title, body, title and body in Simplified) of the
    documents `todo`, `chunk` at a time, in one pass over `documents` on a cursor of its own (a query a
    chunk scanned the whole table each time: its cost grew with the warehouse)."""
    reader = con.cursor()
    try:
        with registered_ids(reader, todo) as ids:
            result = reader.execute(
                f"""SELECT doc_id, {VERSION_SQL.format(t="")}, title, body, title_simplified, body_simplified
                    FROM documents WHERE rowid IN (SELECT rowid FROM documents WHERE doc_id IN (SELECT id FROM {ids}))"""
            )
            while rows := result.fetchmany(chunk):
                yield rows
    finally:
        reader.close()


def _docs(rows: Sequence[tuple]) -> Docs:
    read = [analysed_text(*r[2:6]) for r in rows]
    return [simplified for simplified, _ in read], [printed for _, printed in read]


def _write(
    con: duckdb.DuckDBPyConnection,
    rules: str,
    rows: list[tuple],
    found: list[list],
    log: Callable[[list[str]], None] | None = None,
) -> None:
    """Replace the entities and entity versions of the documents `rows` in one transaction."""
    tables = entity_tables([r[0] for r in rows], [r[1] for r in rows], found, rules)
    con.execute("BEGIN TRANSACTION")
    try:
        with registered_ids(con, [r[0] for r in rows]) as done:
            for replaced in ("doc_entities", "entity_versions", "entities_pending"):
                con.execute(f"DELETE FROM {replaced} WHERE doc_id IN (SELECT id FROM {done})")
        con.register("new_entities", tables["doc_entities"])
        con.register("new_versions", tables["entity_versions"])
        con.execute("INSERT INTO doc_entities BY NAME SELECT * EXCLUDE (version) FROM new_entities")
        con.execute("INSERT INTO entity_versions BY NAME SELECT * FROM new_versions")
        if log is not None:
            log([r[0] for r in rows])
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    finally:
        for name in ("new_entities", "new_versions"):
            with contextlib.suppress(duckdb.Error):
                con.unregister(name)


@contextlib.contextmanager
def _transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """The block's statements in one transaction: committed at its end, rolled back if it raises."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield
        con.execute("COMMIT")
    except BaseException:
        with contextlib.suppress(duckdb.TransactionException):
            con.execute("ROLLBACK")
        raise


def _built_once(build: Callable[[], EntityExtractor]) -> Callable[[], EntityExtractor]:
    """`build`, called at most once however often the result is asked for."""
    built: list[EntityExtractor] = []

    def extractor() -> EntityExtractor:
        if not built:
            built.append(build())
        return built[0]

    return extractor
