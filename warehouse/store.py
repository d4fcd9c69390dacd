"""The DuckDB warehouse: schema, load records, and the atomic load of one batch."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import shutil
import time
from collections.abc import Callable
from importlib import resources
from pathlib import Path

import duckdb
from zhnews.transforms.corpus_lines import LineStats
from zhnews.transforms.doc_text import VERSION_SQL
from zhnews.warehouse import DB_NAME, TIMEZONE, WORK_NAME
from zhnews.warehouse.id_sets import registered_ids
from zhnews.warehouse.records import ANALYTICS_TABLES, BATCH_TABLES

# How good a version of a document is, as a sortable string: full > snippet > summary, then
# longer, then a content hash so that the choice never depends on load order.
_BODY_RANK = (
    "(CASE {t}.body_kind WHEN 'full' THEN '3' WHEN 'snippet' THEN '2' ELSE '1' END"
    " || lpad(CAST(coalesce(length({t}.body), 0) AS VARCHAR), 10, '0') || md5(coalesce({t}.body, '')))"
)


def schema_sql() -> list[str]:
    """The schema files of `warehouse/schema/`, in name order, with `{TIMEZONE}` filled in."""
    folder = resources.files("zhnews.warehouse") / "schema"
    return [
        f.read_text(encoding="utf-8").replace("{TIMEZONE}", TIMEZONE)
        for f in sorted(folder.iterdir(), key=lambda f: f.name)
        if f.name.endswith(".sql")
    ]


class WarehouseUnavailable(RuntimeError):
    """The warehouse file cannot be opened (locked by another program, not a DuckDB file...)."""


def connect(path: Path, read_only: bool = False, memory_limit: str | None = None) -> duckdb.DuckDBPyConnection:
    """Open a DuckDB file, turning DuckDB's errors into one line that says what to do."""
    config = {"memory_limit": memory_limit} if memory_limit else {}
    try:
        return duckdb.connect(str(path), read_only=read_only, config=config)
    except duckdb.IOException as exc:
        text = str(exc)
        if "lock" in text.lower():
            holder = re.search(r"held in (.+?\(PID \d+\))", text)
            who = f" ({holder[1]})" if holder else ""
            raise WarehouseUnavailable(
                f"the warehouse {path} is open in another program{who}; close it (or its DuckDB connection) and retry"
            ) from None
        raise WarehouseUnavailable(f"cannot open the warehouse {path}: {text.splitlines()[0]}") from None
    except duckdb.Error as exc:
        raise WarehouseUnavailable(f"cannot open the warehouse {path}: {str(exc).splitlines()[0]}") from None


class Warehouse:
    """One open DuckDB warehouse in a data dir: read-only, the published file; writable, the loader's copy.

    Readers never block the loader and never see half a load: writes go to the loader's own copy
    (`WORK_NAME`), and leaving the `with` block without an error publishes it: the copy is copied
    beside `DB_NAME` and renamed over it, atomically. A reader that holds the published file open
    keeps reading the version it opened (its inode outlives the rename) and sees the new one on its
    next connection. A failed run publishes nothing; the next completed one publishes everything.
    """

    def __init__(self, data_dir: Path, read_only: bool = False, memory_limit: str | None = None):
        self.data_dir = data_dir
        self.public_path = data_dir / DB_NAME
        self.path = self.public_path if read_only else data_dir / WORK_NAME
        if not read_only and not self.path.exists() and self.public_path.exists():
            _adopt(self.public_path, self.path)  # a warehouse from before the loader had its own copy
        self.con = connect(self.path, read_only=read_only, memory_limit=memory_limit)
        self.read_only = read_only
        self.closed = False
        self.con.execute(f"SET TimeZone = '{TIMEZONE}'")
        if not read_only:
            for sql in schema_sql():
                self.con.execute(sql)

    def close(self) -> None:
        self.con.close()
        self.closed = True

    def publish(self) -> float:
        """Close the connection and publish the loader's copy as the readers' file; returns the seconds it took."""
        started = time.perf_counter()
        self.close()  # checkpoints: the copy is one consistent file, no write-ahead log
        _copy_atomically(self.path, self.public_path)
        return time.perf_counter() - started

    def __enter__(self) -> Warehouse:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, *exc: object) -> None:
        if exc_type is None and not self.read_only and not self.closed:
            self.publish()
        elif not self.closed:
            self.close()

    # --- load records -------------------------------------------------------------------------
    def begin_load(self, load_id: str) -> list[str]:
        """Record a new load as running; earlier loads still marked running died, so say so: returns them.

        What they left behind in `parquet/` is removed: half-written temporaries (a kill skips
        the writer's cleanup) and batch files whose DuckDB transaction never committed.
        """
        self.remove_uncommitted_parquet()
        dead = self.con.execute(
            "UPDATE loads SET status = 'failed', message = 'interrupted (process ended before finishing)'"
            " WHERE status = 'running' RETURNING load_id"
        ).fetchall()
        self.con.execute(
            "INSERT INTO loads (load_id, started_at, status) VALUES (?, ?, 'running')",
            [load_id, dt.datetime.now(dt.UTC)],
        )
        return sorted(row[0] for row in dead)

    def last_load_status(self) -> str | None:
        """The status of the latest load (`running` if it died), None before the first."""
        row = self.con.execute("SELECT status FROM loads ORDER BY started_at DESC LIMIT 1").fetchone()
        return row[0] if row else None

    def remove_uncommitted_parquet(self) -> list[Path]:
        """Delete Parquet files of batches that were never committed; returns them."""
        folder = self.data_dir / "parquet"
        leftovers = list(folder.glob("*/.*.tmp"))
        committed = {row[0] for row in self.con.execute("SELECT path FROM parquet_files").fetchall()}
        legacy = (
            not committed and self.con.execute("SELECT count(*) FROM loads WHERE status = 'completed'").fetchone()[0]
        )
        if not legacy:  # a warehouse from before parquet_files existed keeps its files
            leftovers += [p for p in folder.glob("*/*.parquet") if self._relative(p) not in committed]
        for path in leftovers:
            path.unlink(missing_ok=True)
        return leftovers

    def _relative(self, path: Path) -> str:
        return Path(path).resolve().relative_to(self.data_dir.resolve()).as_posix()

    def finish_load(self, load_id: str, status: str, counts: dict[str, int], message: str | None = None) -> None:
        """Close a load record with its counts."""
        self.con.execute(
            """UPDATE loads SET finished_at = ?, status = ?, files_seen = ?, files_loaded = ?,
               files_unchanged = ?, files_quarantined = ?, documents_new = ?, sightings_written = ?,
               lines_removed = ?, message = ? WHERE load_id = ?""",
            [
                dt.datetime.now(dt.UTC),
                status,
                counts.get("files_seen", 0),
                counts.get("files_loaded", 0),
                counts.get("files_unchanged", 0),
                counts.get("files_quarantined", 0),
                counts.get("documents_new", 0),
                counts.get("sightings_written", 0),
                counts.get("lines_removed", 0),
                message,
                load_id,
            ],
        )

    # --- state queries ------------------------------------------------------------------------
    def known_files(self, file_ids: list[str]) -> dict[str, tuple[str, int | None, int | None]]:
        """file_id → (content hash, size in bytes, modification time in ns) loaded, for the given files.

        Quarantined files are left out on purpose: they are checked again on every run (so that they
        stay in the run's summary, and load once profiles or zhnews learn to read them).
        """
        if not file_ids:
            return {}
        with registered_ids(self.con, file_ids) as ids:
            rows = self.con.execute(
                "SELECT file_id, content_hash, size_bytes, mtime_ns FROM files WHERE status = 'loaded'"
                f" AND file_id IN (SELECT id FROM {ids})"
            ).fetchall()
        return {file_id: (digest, size, mtime) for file_id, digest, size, mtime in rows}

    def line_stats(self, min_files: int = 2, excluding: str | None = None) -> LineStats:
        """Corpus line counts: files per site, and (site, hash) → files for lines in ≥ `min_files`.

        Lines seen in one file only are left out (most lines; a batch's own counts are added to these).
        `excluding` leaves one file out (`zhnews explain` counts that file's lines as they are now).
        """
        others = "FROM line_hashes WHERE file_id IS DISTINCT FROM $excluding"
        sites = self.con.execute(
            f"SELECT site, count(DISTINCT file_id) {others} GROUP BY site", {"excluding": excluding}
        ).fetchall()
        rows = self.con.execute(
            f"SELECT site, line_hash, count(DISTINCT file_id) AS files {others}"
            " GROUP BY site, line_hash HAVING files >= $min_files",
            {"excluding": excluding, "min_files": min_files},
        ).fetchall()
        return LineStats(site_files=dict(sites), line_files={(site, h): n for site, h, n in rows})

    # --- the batch load -------------------------------------------------------------------------
    def load_batch(self, parquet: dict[str, Path], before_commit: Callable[[], None] | None = None) -> int:
        """Load one batch's Parquet files in a single transaction; returns new documents.

        Files in the batch replace their earlier rows (sightings, removed lines); documents are
        merged by doc_id keeping the best version; documents no file sights any more are dropped.
        `before_commit` runs inside the transaction, just before COMMIT (a fault-injection hook).
        """
        con = self.con
        src = {table: f"read_parquet('{_sql_path(path)}')" for table, path in parquet.items()}
        con.execute("BEGIN TRANSACTION")
        try:
            new_docs = 0
            if "files" in src:
                con.execute(f"CREATE OR REPLACE TEMP TABLE batch_files AS SELECT file_id FROM {src['files']}")
                con.execute(
                    "CREATE OR REPLACE TEMP TABLE prior_docs AS SELECT DISTINCT doc_id FROM sightings"
                    " WHERE file_id IN (SELECT file_id FROM batch_files)"
                )
                for table in ("sightings", "removed_lines", "line_hashes", "files"):
                    con.execute(f"DELETE FROM {table} WHERE file_id IN (SELECT file_id FROM batch_files)")
                con.execute(f"INSERT INTO files BY NAME SELECT * FROM {src['files']}")
            if "documents" in src:
                con.execute(
                    f"""CREATE OR REPLACE TEMP TABLE batch_docs AS SELECT * FROM {src["documents"]} s
                        QUALIFY row_number() OVER (PARTITION BY doc_id ORDER BY {_BODY_RANK.format(t="s")} DESC) = 1"""
                )
                batch_count, new_docs = con.execute(
                    "SELECT count(*), count(*) FILTER (WHERE doc_id NOT IN (SELECT doc_id FROM documents))"
                    " FROM batch_docs"
                ).fetchone()
                if new_docs < batch_count:  # only then compare versions: it reads the stored bodies
                    con.execute(
                        f"""DELETE FROM documents WHERE doc_id IN (
                              SELECT d.doc_id FROM documents d JOIN batch_docs s USING (doc_id)
                              WHERE {_BODY_RANK.format(t="s")} > {_BODY_RANK.format(t="d")})"""
                    )
                con.execute(
                    "INSERT INTO documents BY NAME SELECT * FROM batch_docs"
                    " WHERE doc_id NOT IN (SELECT doc_id FROM documents)"
                )
            for table in ("sightings", "removed_lines", "line_hashes", "file_events"):
                if table in src:
                    con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM {src[table]}")
            if "doc_signatures" in src:
                self._merge_analytics(src)
            if "files" in src:
                self._drop_unsighted_prior_docs()
            for path in parquet.values():
                con.execute(
                    "INSERT INTO parquet_files SELECT $p WHERE $p NOT IN (SELECT path FROM parquet_files)",
                    {"p": self._relative(path)},
                )
            if before_commit is not None:
                before_commit()
            con.execute("COMMIT")
        except BaseException:
            _rollback(con)
            raise
        return int(new_docs)

    def forget_files(self, file_ids: list[str]) -> int:
        """Remove, in one transaction, every row the given files brought, as if they had never been
        loaded (their `file_events` history stays); returns how many the warehouse held.

        Documents no other file sights go too, with their terms, keywords, signatures and stories,
        so that loading the files again gives the tables a first load of them gives."""
        con = self.con
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(
                "CREATE OR REPLACE TEMP TABLE batch_files AS SELECT unnest(?::VARCHAR[]) AS file_id", [file_ids]
            )
            con.execute(
                "CREATE OR REPLACE TEMP TABLE prior_docs AS SELECT DISTINCT doc_id FROM sightings"
                " WHERE file_id IN (SELECT file_id FROM batch_files)"
            )
            held = con.execute("SELECT count(*) FROM files WHERE file_id IN (SELECT file_id FROM batch_files)")
            forgotten = held.fetchone()[0]
            for table in ("sightings", "removed_lines", "line_hashes", "files"):
                con.execute(f"DELETE FROM {table} WHERE file_id IN (SELECT file_id FROM batch_files)")
            self._drop_unsighted_prior_docs()
            con.execute("COMMIT")
        except BaseException:
            _rollback(con)
            raise
        return int(forgotten)

    def _drop_unsighted_prior_docs(self) -> None:
        """Drop the documents of `prior_docs` that no file sights any more, with their derived rows."""
        self.con.execute(
            "DELETE FROM documents WHERE doc_id IN (SELECT doc_id FROM prior_docs)"
            " AND doc_id NOT IN (SELECT doc_id FROM sightings)"
        )
        for table in (*ANALYTICS_TABLES, "doc_stories"):
            self.con.execute(
                f"DELETE FROM {table} WHERE doc_id IN (SELECT doc_id FROM prior_docs)"
                " AND doc_id NOT IN (SELECT doc_id FROM documents)"
            )

    def _merge_analytics(self, src: dict[str, str]) -> None:
        """Keep the terms, keywords and signature of the version of each document the warehouse keeps.

        A batch carries them for every version it saw (a version seen twice: twice, hence DISTINCT);
        where the kept version is one of them, its rows replace the document's earlier ones.
        """
        self.con.execute(
            f"""CREATE OR REPLACE TEMP TABLE analysed AS
                SELECT d.doc_id, s.version FROM documents d JOIN {src["doc_signatures"]} s
                  ON s.doc_id = d.doc_id
                 AND s.version = {VERSION_SQL.format(t="d.")}"""
        )
        for table in ANALYTICS_TABLES:
            self.con.execute(f"DELETE FROM {table} WHERE doc_id IN (SELECT doc_id FROM analysed)")
            if table in src:
                columns = ", ".join(f"s.{c}" for c in BATCH_TABLES[table].names if c != "version")
                self.con.execute(
                    f"INSERT INTO {table} BY NAME SELECT DISTINCT {columns} FROM {src[table]} s"
                    " SEMI JOIN analysed a ON a.doc_id = s.doc_id AND a.version = s.version"
                )


def _rollback(con: duckdb.DuckDBPyConnection) -> None:
    """Roll back the open transaction, if the failure left one (an interrupted query may have ended it)."""
    with contextlib.suppress(duckdb.TransactionException):
        con.execute("ROLLBACK")


def _copy_atomically(source: Path, target: Path) -> None:
    """Copy `source` to `target` so that `target` is at every moment either the old file or the new one."""
    staged = target.with_name(f".{target.name}.publishing")
    shutil.copyfile(source, staged)
    with open(staged, "rb") as copy:
        os.fsync(copy.fileno())
    os.replace(staged, target)
    directory = os.open(target.parent, os.O_RDONLY)
    try:
        os.fsync(directory)  # the rename itself survives a power cut
    finally:
        os.close(directory)


def _adopt(published: Path, work: Path) -> None:
    """Start the loader's copy from the published file (with its write-ahead log, if a writer died)."""
    wal = published.with_name(published.name + ".wal")
    if wal.exists():
        _copy_atomically(wal, work.with_name(work.name + ".wal"))
    _copy_atomically(published, work)


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")
