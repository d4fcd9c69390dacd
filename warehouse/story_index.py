"""The stories' band keys sorted in files beside the warehouse: a key's documents found by binary search.

DuckDB has no index that seeks a key in a join: looking a run's band keys up in `story_keys` scanned
all of them (42.6M keys in the 300 MB bench warehouse: 0.3-0.9 s a lookup, several a pass). The
index is a sorted copy of `story_keys` ((key, doc_no) pairs), searched with `numpy.searchsorted`:
a lookup costs what it asks and finds, whatever the warehouse holds.

`story_keys` stays the record; the index is derived from it, in immutable files named by their
content in `KEY_FOLDER` beside the database file (memory-mapped, never read whole to search):

* a base, sorted, rewritten only when the delta outgrows `MAX_DELTA_ROWS` (merged into it);
* a delta, sorted, small: each stories pass writes a new one with its documents' keys.

`story_key_files` names the database's files, written in the stories pass's transaction, so the
index always matches the database that names it (a loader's copy, the published file and the
spare each name their own; files of equal content are shared). Files named but missing (a data dir
copied without them) are built again from `story_keys`; a database without a file (in memory) keeps
its index in memory. Keys of documents that left the stories are dropped from the delta at once and
from the base at the next merge: a lookup's documents are joined to `story_docs` by doc_no, which
drops them, and no doc_no is given again while a file lists it (`next_doc_no`).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from pathlib import Path

import duckdb
import numpy as np

KEY_FOLDER = ".zhnews.story-keys"  # beside the database file
MAX_DELTA_ROWS = 2_000_000  # a delta of more keys (16 MB) is merged into the base (about 22,000 documents' keys)


class StoryKeyIndex:
    """The sorted band keys of a database's `story_keys`, read from its files (built from the table
    if they are missing). Changes are made in the caller's transaction and the files written before
    it commits; `collect_garbage` after the commit removes the files neither the old nor the new
    state names."""

    def __init__(self, con: duckdb.DuckDBPyConnection, load: bool = True):
        """The index of `con`'s database (`load` False: empty, for `replace` to fill)."""
        self.con = con
        self.folder = key_folder(con)
        self.named_before = set(_named_files(con))
        self.base, self.delta = _empty(), _empty()
        self.base_file: str | None = None  # the base's file, when it was read from one (not written again)
        self.next_doc_no = 0
        if not load:
            return
        stored = con.execute("SELECT role, name, rows, next_doc_no FROM story_key_files").fetchall()
        parts = {role: _read(self.folder, name, rows) for role, name, rows, _ in stored}
        if self.folder is not None and stored and all(part is not None for part in parts.values()):
            self.base = parts.get("base", _empty())
            self.delta = parts.get("delta", _empty())
            self.base_file = next((name for role, name, *_ in stored if role == "base"), None)
            self.next_doc_no = max(n for *_, n in stored)
        else:  # no files yet (a warehouse of an earlier zhnews), or missing: built from the record
            self.replace(*_table_rows(con))

    def find(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Every stored (key, doc_no) pair with one of `keys`: (the asked key's position, doc_no)."""
        asked, found = [], []
        for part in (self.base, self.delta):
            stored = part[0]
            start = np.searchsorted(stored, keys, side="left")
            stop = np.searchsorted(stored, keys, side="right")
            counts = stop - start
            if not counts.any():
                continue
            at = np.repeat(np.arange(len(keys)), counts)
            offsets = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
            asked.append(at)
            found.append(np.asarray(part[1][np.repeat(start, counts) + offsets]))
        if not asked:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.uint32)
        return np.concatenate(asked), np.concatenate(found)

    def add(self, keys: np.ndarray, doc_nos: np.ndarray, dropped: np.ndarray) -> None:
        """Add these pairs (doc_nos from `next_doc_no` on) and forget the documents `dropped` (their
        base rows stay until the next merge; lookups never see them); records the files."""
        delta = self.delta[:, ~np.isin(self.delta[1], dropped)] if len(dropped) else self.delta
        delta = _sorted(np.concatenate([delta, np.stack([keys, doc_nos]).astype(np.uint32)], axis=1))
        next_doc_no = max(self.next_doc_no, int(doc_nos.max()) + 1 if len(doc_nos) else 0)
        if delta.shape[1] > MAX_DELTA_ROWS:  # merged into a new base without the documents that left
            live = np.zeros(next_doc_no, dtype=bool)
            live[self.con.execute("SELECT doc_no FROM story_docs").to_arrow_table().column(0).to_numpy()] = True
            both = np.concatenate([np.asarray(self.base), delta], axis=1)
            self._record(_sorted(both[:, live[both[1]]]), _empty(), next_doc_no)
        else:
            self._record(self.base, delta, next_doc_no, self.base_file)

    def replace(self, keys: np.ndarray, doc_nos: np.ndarray) -> None:
        """Make these pairs the whole index (a full pass); records the files."""
        pairs = np.stack([keys, doc_nos]).astype(np.uint32)
        self._record(_sorted(pairs), _empty(), int(doc_nos.max()) + 1 if len(doc_nos) else 0)

    def collect_garbage(self) -> None:
        """Remove the files of the folder that the database named neither before nor now."""
        if self.folder is None or not self.folder.exists():
            return
        keep = self.named_before | set(_named_files(self.con))
        for path in self.folder.iterdir():
            if path.name not in keep:
                path.unlink(missing_ok=True)

    def _record(self, base: np.ndarray, delta: np.ndarray, next_doc_no: int, base_file: str | None = None) -> None:
        """Hold these parts, write their files (the base's unless `base_file` holds it) and name them in
        `story_key_files` (an empty part: no file)."""
        self.base, self.delta, self.next_doc_no = base, delta, next_doc_no
        if self.folder is None:
            return
        if base.shape[1] and base_file is None:
            base_file = _write(self.folder, base)
        self.base_file = base_file if base.shape[1] else None
        delta_file = _write(self.folder, delta) if delta.shape[1] else None
        rows = [
            ["base", self.base_file, base.shape[1], next_doc_no],
            ["delta", delta_file, delta.shape[1], next_doc_no],
        ]
        self.con.execute("DELETE FROM story_key_files")
        self.con.executemany("INSERT INTO story_key_files VALUES (?, ?, ?, ?)", rows)


def key_folder(con: duckdb.DuckDBPyConnection) -> Path | None:
    """Where the index files of the open database are kept (None: an in-memory database)."""
    path = con.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchone()[0]
    return Path(path).parent / KEY_FOLDER if path else None


def _named_files(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [r[0] for r in con.execute("SELECT name FROM story_key_files WHERE name IS NOT NULL").fetchall()]


def _empty() -> np.ndarray:
    return np.zeros((2, 0), dtype=np.uint32)


def _sorted(pairs: np.ndarray) -> np.ndarray:
    """(2, n) pairs in (key, doc_no) order."""
    combined = np.sort((pairs[0].astype(np.uint64) << np.uint64(32)) | pairs[1])
    return np.stack([(combined >> np.uint64(32)).astype(np.uint32), combined.astype(np.uint32)])


def _table_rows(con: duckdb.DuckDBPyConnection) -> tuple[np.ndarray, np.ndarray]:
    table = con.execute("SELECT key, doc_no FROM story_keys").to_arrow_table()
    return table.column("key").to_numpy(), table.column("doc_no").to_numpy()


def _read(folder: Path | None, name: str | None, rows: int) -> np.ndarray | None:
    """A named file, memory-mapped; None if it is not there as named (missing, other length)."""
    if name is None:
        return _empty()
    if folder is None:
        return None
    try:
        part = np.load(folder / name, mmap_mode="r")
    except (OSError, ValueError):
        return None
    return part if part.shape == (2, rows) and part.dtype == np.uint32 else None


def _write(folder: Path, part: np.ndarray) -> str:
    """Write `part` as a file named by its content (kept if one of that name is there); returns the name."""
    data = np.ascontiguousarray(part)
    name = hashlib.blake2b(data.data, digest_size=16).hexdigest() + ".npy"
    target = folder / name
    if target.exists():
        return name
    folder.mkdir(exist_ok=True)
    staged = folder / f".{name}.tmp"
    with open(staged, "wb") as out:
        np.save(out, data)
        out.flush()
        os.fsync(out.fileno())
    os.replace(staged, target)
    with contextlib.suppress(OSError):
        directory = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)
    return name
