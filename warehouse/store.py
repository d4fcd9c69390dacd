"""The DuckDB warehouse: schema, load records, and the atomic load of one batch."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import shutil
import time
from collections.abc import Callable
from importlib import resources
from pathlib import Path

import duckdb
import pyarrow as pa
from zhnews.transforms.corpus_lines import LineStats
from zhnews.warehouse import DB_NAME, SPARE_NAME, TIMEZONE, WORK_NAME
from zhnews.warehouse.id_sets import registered_ids

# warehouse.records and transforms.doc_text (the batch tables' columns, the version of a document's
# text) are imported by the methods that load a batch: with them comes the analysis code (~0.06 s of
# imports, `python -X importtime`), which opening the warehouse at start-up does not need.

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


# DuckDB checkpoints (writes its write-ahead log into the database file) on the commit that takes
# the log past this size; the default 16 MB meant a checkpoint after nearly every batch, and a
# checkpoint's cost grows with the warehouse (300 MB corpus' batches replayed: 41 s of commits;
# 26 s with 64 MB, 23 s with 256 MB). The log's data stays in memory until then (loader's peak RSS
# on the 30 MB corpus +50 MiB at 64 MB, +90 at 256); the ingest checkpoints after its last batch.
LOADER_CHECKPOINT_THRESHOLD = "64MB"


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
    (`WORK_NAME`), and leaving the `with` block without an error publishes it: the closed copy is
    renamed over `DB_NAME`, atomically, whatever its size. A reader that holds the published file open
    keeps reading the version it opened (its inode outlives the rename) and sees the new one on its
    next connection. The file published over is kept (`SPARE_NAME`, a hard link: no copy); the next
    writer brings it up to date by doing again what the last runs did (`run_log`: their batch loads,
    forgotten files, stories passes and entity writes, each logged in its own transaction; the
    entities a model found and the rows a stories pass wrote are copied from the published file, not
    computed again), which costs what
    those runs loaded, not what the warehouse holds; when that cannot be done (a reader still holds
    the spare, a session wrote outside the log, no spare yet) it copies the published file instead.
    A failed run publishes nothing and leaves its copy, which the next run continues; the next
    completed one publishes everything.

    `logged`: this session writes only through `load_batch`, `forget_files`, `record_mtimes`, `update_stories` and
    `warehouse.entities.update_entities` logging with `log_entities` (an ingest); any other
    writable session is marked `unlogged`, so the next one copies.
    """

    def __init__(
        self,
        data_dir: Path,
        read_only: bool = False,
        memory_limit: str | None = None,
        logged: bool = False,
        path: Path | None = None,
    ):
        self.data_dir = data_dir
        self.public_path = data_dir / DB_NAME
        self.path = path or (self.public_path if read_only else data_dir / WORK_NAME)
        if not read_only and path is None and not self.path.exists() and self.public_path.exists():
            _adopt(data_dir, self.public_path, self.path)  # the last completed run published its copy
        self.con = connect(self.path, read_only=read_only, memory_limit=memory_limit)
        self.read_only = read_only
        self.closed = False
        self.con.execute(f"SET TimeZone = '{TIMEZONE}'")
        if not read_only:
            self.con.execute(f"SET checkpoint_threshold = '{LOADER_CHECKPOINT_THRESHOLD}'")
            for sql in schema_sql():
                self.con.execute(sql)
            if not logged:
                self._log("unlogged")

    def close(self) -> None:
        self.con.close()
        self.closed = True

    def publish(self) -> float:
        """Close the connection and publish the loader's copy as the readers' file; returns the seconds it took.

        A rename, not a copy: its cost does not grow with the warehouse (copying the 1 GB file of the
        300 MB corpus and syncing it took ~1 s, more on a busy disk)."""
        started = time.perf_counter()
        self.close()  # checkpoints and syncs: the copy is one consistent file, no write-ahead log
        if self.public_path.exists():  # kept for the next writer, to catch up instead of copying
            spare = self.data_dir / SPARE_NAME
            staged = spare.with_name(spare.name + ".tmp")
            staged.unlink(missing_ok=True)
            try:
                os.link(self.public_path, staged)
                os.replace(staged, spare)
            except OSError:  # no hard links on this file system: the next writer copies
                spare.unlink(missing_ok=True)
        os.replace(self.path, self.public_path)
        _sync_folder(self.public_path.parent)  # the renames themselves survive a power cut
        return time.perf_counter() - started

    def update_stories(self) -> int:
        """Bring the near-duplicate stories up to date (`warehouse.stories.update_stories`); returns their number."""
        from zhnews.warehouse.stories import update_stories

        return update_stories(self.con, log=lambda written: self._log("stories", written))

    def log_entities(self, doc_ids: list[str]) -> None:
        """Log that the entities of these documents were written or dropped (in the caller's
        transaction): a catch-up copies their rows from the published file (`warehouse.entities`)."""
        self._log("entities", sorted(doc_ids))

    def _log(self, op: str, arg: object = None) -> None:
        """Append to `run_log` (in the caller's transaction, if one is open)."""
        self.con.execute(
            "INSERT INTO run_log SELECT coalesce(max(seq) + 1, 0), ?, ? FROM run_log",
            [op, None if arg is None else json.dumps(arg, ensure_ascii=False, sort_keys=True)],
        )

    def checkpoint(self) -> None:
        """Write what the loads committed into the database file now, freeing the memory DuckDB holds
        for its write-ahead log (up to `LOADER_CHECKPOINT_THRESHOLD`)."""
        self.con.execute("CHECKPOINT")

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
        folder = self.data_dir.resolve() / "parquet"
        leftovers = list(folder.glob("*/.*.tmp"))
        committed = {row[0] for row in self.con.execute("SELECT path FROM parquet_files").fetchall()}
        legacy = (
            not committed and self.con.execute("SELECT count(*) FROM loads WHERE status = 'completed'").fetchone()[0]
        )
        if not legacy:  # a warehouse from before parquet_files existed keeps its files
            leftovers += [path for path, name in _parquet_files(folder) if name not in committed]
        for path in leftovers:
            path.unlink(missing_ok=True)
        return leftovers

    def _relative(self, path: Path) -> str:
        """A path under the data dir as `parquet_files` holds it (relative to the resolved data dir, with
        forward slashes); a path already under it is not resolved again (a few system calls a file)."""
        root = self.data_dir.resolve()
        try:
            return Path(path).relative_to(root).as_posix()
        except ValueError:
            return Path(path).resolve().relative_to(root).as_posix()

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
    def files_to_read(self, listing: pa.Table) -> list[tuple[int, str | None]]:
        """The files of a listing (`row, path, size, mtime_ns`: `flows.inputs.Listing.table`) the
        warehouse may not hold as they are: (row, content hash of the file's loaded record or None),
        in row order. A file whose loaded record has its size and mtime is left out without being
        read (like rsync's quick check); the others are for the caller to read (or compare by hash).

        One join of the listing, handed over as an Arrow table, with `files`: a run that finds
        nothing new costs a scan of `files`, not a lookup a file. Quarantined files are never left
        out: they are checked again on every run (so that they stay in the run's summary, and load
        once profiles or zhnews learn to read them)."""
        self.con.register("_listing", listing)
        try:
            return self.con.execute(
                """SELECT l.row, f.content_hash FROM _listing l
                   LEFT JOIN (SELECT path, content_hash, size_bytes, mtime_ns FROM files WHERE status = 'loaded') f
                     ON f.path = l.path
                   WHERE f.content_hash IS NULL OR l.mtime_ns = 0
                      OR f.size_bytes IS DISTINCT FROM l.size OR f.mtime_ns IS DISTINCT FROM l.mtime_ns
                   ORDER BY l.row"""
            ).fetchall()
        finally:
            self.con.unregister("_listing")

    def listing_unchanged(self, digest: str) -> bool:
        """Whether the last listing found all unchanged (`record_unchanged_listing`) had this digest,
        and nothing was logged since (no file loaded, forgotten or touched): then the listing holds
        nothing to read, and the run can skip `files_to_read` (a join of every listed file)."""
        row = self.con.execute(
            "SELECT c.digest = ? AND c.seq = (SELECT coalesce(max(seq), -1) FROM run_log) FROM listing_checks c",
            [digest],
        ).fetchone()
        return bool(row and row[0])

    def record_unchanged_listing(self, digest: str) -> None:
        """Remember that `files_to_read` found every file of the listing with this digest unchanged
        (copied, not logged, by the next catch-up: it changes no data)."""
        self.con.execute("DELETE FROM listing_checks")
        self.con.execute("INSERT INTO listing_checks SELECT ?, coalesce(max(seq), -1) FROM run_log", [digest])

    def record_mtimes(self, files: list[tuple[str, int]]) -> None:
        """Record new modification times (file_id, mtime_ns) of loaded files found to hold the content
        loaded (touched, or copied over with the same bytes), so that later runs leave them unread
        instead of reading and hashing them again; logged, in one transaction."""
        if not files:
            return
        con = self.con
        touched = pa.table({"file_id": [f for f, _ in files], "mtime_ns": pa.array([m for _, m in files], pa.int64())})
        con.execute("BEGIN TRANSACTION")
        try:
            con.register("_touched", touched)
            con.execute(
                "UPDATE files SET mtime_ns = t.mtime_ns FROM _touched t"
                " WHERE files.file_id = t.file_id AND files.status = 'loaded'"
            )
            self._log("mtimes", [list(f) for f in sorted(files)])
            con.execute("COMMIT")
        except BaseException:
            _rollback(con)
            raise
        finally:
            with contextlib.suppress(duckdb.Error):
                con.unregister("_touched")

    def line_stats(self, min_files: int = 2, excluding: str | None = None) -> LineStats:
        """Corpus line counts: files per site, and (site, hash) → files for lines in ≥ `min_files`.

        Lines seen in one file only are left out (most lines; a batch's own counts are added to these).
        `excluding` leaves one file out (`zhnews explain` counts that file's lines as they are now).
        """
        others = "FROM line_hashes WHERE file_id IS DISTINCT FROM $excluding"
        sites = self.con.execute(
            f"SELECT site, count(DISTINCT file_id) {others} GROUP BY site", {"excluding": excluding}
        ).fetchall()
        # count(*): a file's line hashes are distinct (a set, written once per load of the file), so it
        # is count(DISTINCT file_id), without the per-group hash sets (100 MB warehouse: 0.67 → 0.05 s)
        rows = self.con.execute(
            f"SELECT site, line_hash, count(*) AS files {others} GROUP BY site, line_hash HAVING files >= $min_files",
            {"excluding": excluding, "min_files": min_files},
        ).fetchall()
        return LineStats(site_files=dict(sites), line_files={(site, h): n for site, h, n in rows})

    # --- the batch load -------------------------------------------------------------------------
    # Every statement below costs what the batch holds, not what the warehouse holds: DuckDB has no
    # index to seek a key with, so a join on a table column scans that column. Where a table's rows
    # are only read for the batch's keys, the keys are looked up first (a scan of the key column only)
    # and the rows fetched by rowid; deletes and version comparisons run only when a lookup found
    # earlier rows (never on a first load of the files and their documents).
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
            new_docs, had_prior_docs = 0, False
            if "files" in src:
                had_prior_docs = self._replace_files(src)
            if "documents" in src:
                new_docs = self._merge_documents(src["documents"])
            for table in ("sightings", "removed_lines", "line_hashes", "file_events"):
                if table in src:
                    con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM {src[table]}")
            if "documents" in src and "doc_signatures" in src:
                self._merge_analytics(src)
            if "documents" in src and "entity_versions" in src:
                self._merge_entities(src)
            if had_prior_docs:
                self._drop_unsighted_prior_docs()
            with registered_ids(con, sorted({self._relative(path) for path in parquet.values()})) as paths:
                con.execute(
                    f"INSERT INTO parquet_files SELECT id FROM {paths} WHERE id NOT IN (SELECT path FROM parquet_files)"
                )
            self._log("load", {table: self._relative(path) for table, path in parquet.items()})
            if before_commit is not None:
                before_commit()
            con.execute("COMMIT")
        except BaseException:
            _rollback(con)
            raise
        return int(new_docs)

    def _replace_files(self, src: dict[str, str]) -> bool:
        """Insert the batch's `files` rows, first removing every row the warehouse holds from an
        earlier load of those files (if any: on their first load there is nothing to remove);
        returns whether those rows sighted documents (then kept in `prior_docs`)."""
        con = self.con
        con.execute(f"CREATE OR REPLACE TEMP TABLE batch_files AS SELECT file_id FROM {src['files']}")
        loaded_before = con.execute(
            "SELECT count(*) FROM files WHERE file_id IN (SELECT file_id FROM batch_files)"
        ).fetchone()[0]
        had_prior_docs = False
        if loaded_before:  # every table below holds rows of a file only while `files` does
            had_prior_docs = self._note_prior_docs()
            for table in ("sightings", "removed_lines", "line_hashes", "files"):
                con.execute(f"DELETE FROM {table} WHERE file_id IN (SELECT file_id FROM batch_files)")
        con.execute(f"INSERT INTO files BY NAME SELECT * FROM {src['files']}")
        return had_prior_docs

    def _note_prior_docs(self) -> bool:
        """Keep in `prior_docs` the documents the files of `batch_files` sighted so far; whether any."""
        self.con.execute(
            "CREATE OR REPLACE TEMP TABLE prior_docs AS SELECT DISTINCT doc_id FROM sightings"
            " WHERE file_id IN (SELECT file_id FROM batch_files)"
        )
        return bool(self.con.execute("SELECT count(*) FROM prior_docs").fetchone()[0])

    def _merge_documents(self, documents: str) -> int:
        """Merge the batch's documents by doc_id, keeping each one's best version; returns how many
        are new. Leaves in `kept_versions` the (doc_id, version) the warehouse keeps for each, and in
        `stored_docs` those it held before the batch."""
        from zhnews.transforms.doc_text import VERSION_SQL

        con = self.con
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE batch_docs AS SELECT * FROM {documents} s
                QUALIFY row_number() OVER (PARTITION BY doc_id ORDER BY {_BODY_RANK.format(t="s")} DESC) = 1"""
        )
        # the stored ones: their keys first (a scan of doc_id only), then their rows by rowid
        stored_rows = con.execute(
            "CREATE OR REPLACE TEMP TABLE stored_rows AS"
            " SELECT rowid AS stored_row FROM documents WHERE doc_id IN (SELECT doc_id FROM batch_docs)"
        ).fetchone()[0]
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE stored_docs AS
                SELECT d.doc_id, d.rowid AS stored_row, {_BODY_RANK.format(t="s")} > {_BODY_RANK.format(t="d")} AS replaced,
                       {VERSION_SQL.format(t="d.")} AS version
                FROM documents d JOIN stored_rows r ON d.rowid = r.stored_row JOIN batch_docs s USING (doc_id)"""
            + ("" if stored_rows else " LIMIT 0")  # none: no scan of the stored bodies at all
        )
        batch_count, stored, replaced = con.execute(
            "SELECT (SELECT count(*) FROM batch_docs), count(*), count(*) FILTER (WHERE replaced) FROM stored_docs"
        ).fetchone()
        if replaced:
            con.execute("DELETE FROM documents WHERE rowid IN (SELECT stored_row FROM stored_docs WHERE replaced)")
        kept_stored = "(SELECT doc_id FROM stored_docs WHERE NOT replaced)"
        inserted = f" WHERE doc_id NOT IN {kept_stored}" if stored > replaced else ""
        con.execute("INSERT INTO documents BY NAME SELECT * FROM batch_docs" + inserted)
        con.execute(
            "INSERT INTO stories_pending SELECT doc_id FROM batch_docs" + inserted
        )  # the stories pass places them
        con.execute("INSERT INTO entities_pending SELECT doc_id FROM batch_docs")  # the entities step checks them
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE kept_versions AS
                SELECT doc_id, {VERSION_SQL.format(t="")} AS version FROM batch_docs WHERE doc_id NOT IN {kept_stored}
                UNION ALL SELECT doc_id, version FROM stored_docs WHERE NOT replaced"""
        )
        return batch_count - stored

    def forget_files(self, file_ids: list[str]) -> int:
        """Remove, in one transaction, every row the given files brought, as if they had never been
        loaded (their `file_events` history stays); returns how many the warehouse held.

        Documents no other file sights go too, with their terms, keywords, signatures and stories,
        so that loading the files again gives the tables a first load of them gives."""
        con = self.con
        con.execute("BEGIN TRANSACTION")
        try:
            with registered_ids(con, file_ids) as ids:
                con.execute(f"CREATE OR REPLACE TEMP TABLE batch_files AS SELECT id AS file_id FROM {ids}")
            held = con.execute("SELECT count(*) FROM files WHERE file_id IN (SELECT file_id FROM batch_files)")
            forgotten = held.fetchone()[0]
            had_prior_docs = self._note_prior_docs()
            for table in ("sightings", "removed_lines", "line_hashes", "files"):
                con.execute(f"DELETE FROM {table} WHERE file_id IN (SELECT file_id FROM batch_files)")
            if had_prior_docs:
                self._drop_unsighted_prior_docs()
            self._log("forget", sorted(file_ids))
            con.execute("COMMIT")
        except BaseException:
            _rollback(con)
            raise
        return int(forgotten)

    def _drop_unsighted_prior_docs(self) -> None:
        """Drop the documents of `prior_docs` that no file sights any more, with their derived rows (their
        stories are left to the stories pass, which they are listed for)."""
        from zhnews.warehouse.records import ANALYTICS_TABLES

        con = self.con
        con.execute(
            "CREATE OR REPLACE TEMP TABLE unsighted AS SELECT doc_id FROM prior_docs"
            " EXCEPT SELECT doc_id FROM sightings WHERE doc_id IN (SELECT doc_id FROM prior_docs)"
        )
        if not con.execute("SELECT count(*) FROM unsighted").fetchone()[0]:
            return
        for table in ("documents", *ANALYTICS_TABLES, "doc_entities", "entity_versions"):
            con.execute(f"DELETE FROM {table} WHERE doc_id IN (SELECT doc_id FROM unsighted)")
        con.execute("INSERT INTO stories_pending SELECT doc_id FROM unsighted")
        con.execute("INSERT INTO entities_pending SELECT doc_id FROM unsighted")

    def _merge_analytics(self, src: dict[str, str]) -> None:
        """Keep the terms, keywords and signature of the version of each document the warehouse keeps.

        A batch carries them for every version it saw (a version seen twice: twice, hence DISTINCT,
        needed only then); where the kept version is one of them, its rows replace the document's
        earlier ones (a document stored before this batch may have some; a new one has none).
        """
        from zhnews.warehouse.records import ANALYTICS_TABLES, BATCH_TABLES

        con = self.con
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE analysed AS
                SELECT k.doc_id, k.version FROM kept_versions k SEMI JOIN {src["doc_signatures"]} s
                  ON s.doc_id = k.doc_id AND s.version = k.version"""
        )
        analysed_before = con.execute(
            "SELECT count(*) FROM analysed WHERE doc_id IN (SELECT doc_id FROM stored_docs)"
        ).fetchone()[0]
        seen_twice = con.execute(
            f"SELECT count(*) > count(DISTINCT (doc_id, version)) FROM {src['doc_signatures']}"
        ).fetchone()[0]
        for table in ANALYTICS_TABLES:
            if analysed_before:
                con.execute(
                    f"DELETE FROM {table} WHERE doc_id IN"
                    " (SELECT doc_id FROM analysed WHERE doc_id IN (SELECT doc_id FROM stored_docs))"
                )
            if table in src:
                columns = ", ".join(f"s.{c}" for c in BATCH_TABLES[table].names if c != "version")
                con.execute(
                    f"INSERT INTO {table} BY NAME SELECT {'DISTINCT ' if seen_twice else ''}{columns} FROM {src[table]} s"
                    " SEMI JOIN analysed a ON a.doc_id = s.doc_id AND a.version = s.version"
                )

    def _merge_entities(self, src: dict[str, str]) -> None:
        """Keep the entities the batch found for the version of each document the warehouse keeps (its
        `doc_entities` and `entity_versions` rows replace the document's earlier ones); a kept version
        the batch did not analyse keeps the entities it has (the entities step computes any missing)."""
        con = self.con
        con.execute(
            f"""CREATE OR REPLACE TEMP TABLE entities_found AS
                SELECT k.doc_id, k.version FROM kept_versions k SEMI JOIN {src["entity_versions"]} e
                  ON e.doc_id = k.doc_id AND e.version = k.version"""
        )
        found_before = "(SELECT doc_id FROM entities_found WHERE doc_id IN (SELECT doc_id FROM stored_docs))"
        if con.execute(f"SELECT count(*) FROM {found_before}").fetchone()[0]:
            for table in ("doc_entities", "entity_versions"):
                con.execute(f"DELETE FROM {table} WHERE doc_id IN {found_before}")
        kept = "SEMI JOIN entities_found f ON f.doc_id = s.doc_id AND f.version = s.version"
        if "doc_entities" in src:  # none when no document of the batch names any
            con.execute(
                f"INSERT INTO doc_entities BY NAME SELECT * EXCLUDE (version) FROM {src['doc_entities']} s {kept}"
            )
        con.execute(f"INSERT INTO entity_versions BY NAME SELECT * FROM {src['entity_versions']} s {kept}")


def _parquet_files(folder: Path) -> list[tuple[Path, str]]:
    """The Parquet files of the data dir's `parquet/` folder, with their names as `parquet_files` holds
    them (`parquet/<table>/<file>`): one directory read a table, no system call a file (1,082 files of
    the 300 MB bench warehouse resolved one by one took 0.3-0.5 s)."""
    if not folder.is_dir():
        return []
    found = []
    with os.scandir(folder) as tables:
        for table in tables:
            if table.is_dir():
                with os.scandir(table.path) as files:
                    found += [
                        (Path(f.path), f"parquet/{table.name}/{f.name}") for f in files if f.name.endswith(".parquet")
                    ]
    return found


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
    _sync_folder(target.parent)  # the rename itself survives a power cut


def _sync_folder(folder: Path) -> None:
    """Make the folder's entries (a rename into it) durable."""
    directory = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)


def _adopt(data_dir: Path, published: Path, work: Path) -> None:
    """Start the loader's copy: the spare brought up to date if it can be, else a copy of the published
    file (with its write-ahead log, if a writer of an earlier zhnews, which wrote the published file
    in place, died)."""
    wal = published.with_name(published.name + ".wal")
    spare = data_dir / SPARE_NAME
    if not wal.exists() and spare.exists() and _catch_up(data_dir, spare, published):
        os.replace(spare, work)
        return
    if wal.exists():
        _copy_atomically(wal, work.with_name(work.name + ".wal"))
    _copy_atomically(published, work)


_REPLAYABLE = {"load", "forget", "stories", "entities", "mtimes"}


def _catch_up(data_dir: Path, spare: Path, published: Path) -> bool:
    """Do again in `spare` what `published` logged after it (`run_log`); whether the spare now holds
    what the published file holds (same log, same row counts in every table). False, and the spare
    left alone, when a reader still holds it or something logged cannot be done again; a spare that
    failed half-way is deleted."""
    try:
        warehouse = Warehouse(data_dir, logged=True, path=spare)
    except WarehouseUnavailable:  # a reader still has it open: never write into it
        return False
    con, caught_up = warehouse.con, False
    try:
        con.execute(f"ATTACH '{_sql_path(published)}' AS published (READ_ONLY)")
        done, last = con.execute("SELECT count(*), coalesce(max(seq), -1) FROM run_log").fetchone()
        shared = con.execute("SELECT count(*) FROM published.run_log WHERE seq <= ?", [last]).fetchone()[0]
        todo = con.execute("SELECT op, arg FROM published.run_log WHERE seq > ? ORDER BY seq", [last]).fetchall()
        loads = [json.loads(arg) for op, arg in todo if op == "load"]
        if shared != done or any(op not in _REPLAYABLE for op, _ in todo):
            return False
        if not all((data_dir / path).exists() for batch in loads for path in batch.values()):
            return False
        for op, arg in todo:
            if op == "load":
                warehouse.load_batch({table: data_dir / path for table, path in json.loads(arg).items()})
            elif op == "forget":
                warehouse.forget_files(json.loads(arg))
            elif op == "entities":  # computed by a model once: copied, not computed again
                _copy_entities(warehouse, json.loads(arg))
            elif op == "mtimes":
                warehouse.record_mtimes([(file_id, mtime_ns) for file_id, mtime_ns in json.loads(arg)])
            elif arg is None:  # a pass that recomputed every story: computed again
                warehouse.update_stories()
            else:  # the rows a pass wrote: copied, not computed again
                _copy_stories(warehouse, json.loads(arg))
        con.execute("BEGIN TRANSACTION")
        for table in ("loads", "listing_checks", "entities_pending"):  # bookkeeping, not logged: copied
            con.execute(f"DELETE FROM {table}")
            con.execute(f"INSERT INTO {table} SELECT * FROM published.{table}")
        con.execute("COMMIT")
        caught_up = _same_counts(con)
    except duckdb.Error:  # e.g. the published file predates a table of this zhnews' schema: copy it instead
        _rollback(con)
    finally:
        with contextlib.suppress(duckdb.Error):
            con.execute("DETACH published")
        warehouse.close()
        if not caught_up:
            spare.unlink(missing_ok=True)
    return caught_up


def _copy_entities(warehouse: Warehouse, doc_ids: list[str]) -> None:
    """Give these documents the entities the attached `published` file holds for them, logged."""
    from zhnews.warehouse.entities import copy_entities

    con = warehouse.con
    con.execute("BEGIN TRANSACTION")
    try:
        copy_entities(con, doc_ids, "published")
        warehouse.log_entities(doc_ids)
        con.execute("COMMIT")
    except BaseException:
        _rollback(con)
        raise


def _copy_stories(warehouse: Warehouse, written: dict[str, list]) -> None:
    """Give the stories tables the rows a pass of the attached `published` file wrote, logged."""
    from zhnews.warehouse.stories import copy_stories

    con = warehouse.con
    con.execute("BEGIN TRANSACTION")
    try:
        copy_stories(con, written, "published")
        warehouse._log("stories", written)
        con.execute("COMMIT")
    except BaseException:
        _rollback(con)
        raise


def _same_counts(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether every table of the open database has as many rows as its namesake in `published`."""
    tables = [
        row[0]
        for row in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() AND NOT temporary"
        ).fetchall()
    ]
    for table in tables:
        ours = con.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]
        theirs = con.execute(f'SELECT count(*) FROM published."{table}"').fetchone()[0]
        if ours != theirs:
            return False
    return True


def _sql_path(path: Path) -> str:
    return str(path).replace("'", "''")
