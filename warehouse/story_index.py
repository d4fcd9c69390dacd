"""The stories' band keys and signatures in files beside the warehouse: found by doc_no or key without a scan.

DuckDB has no index that seeks a key in a join: looking a run's band keys up in `story_keys` scanned
all of them (42.6M keys in the 300 MB bench warehouse: 0.3-0.9 s a lookup, several a pass), and
fetching a few documents' signatures scanned `doc_signatures` (0.2-0.7 s a fetch). The index holds
a sorted copy of `story_keys` ((key, doc_no) pairs, searched with `numpy.searchsorted`) and the
signature of each doc_no: a pass costs what it asks and finds, whatever the warehouse holds.

`story_keys` and `doc_signatures` stay the record; the index is derived from them, in immutable
files named by their content in `KEY_FOLDER` beside the database file (memory-mapped, never read
whole):

* a base: the sorted pairs, and the signatures as rows numbered by doc_no; rewritten only when the
  delta outgrows `MAX_DELTA_ROWS` keys (merged into it);
* a delta: the pairs and signatures of the documents placed since, small; each pass writes a new one.

`story_key_files` names the database's files, written in the stories pass's transaction, so the
index always matches the database that names it (a loader's copy, the published file and the spare
each name their own; files of equal content are shared). Files named but missing (a data dir copied
without them) are built again from the tables; a database without a file (in memory) keeps its
index in memory. Keys of documents that left the stories are dropped from the delta at once and
from the base at the next merge: a lookup's documents are matched to `story_docs` by doc_no, which
drops them, and no doc_no is given again while a file lists it (`next_doc_no`).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
from pathlib import Path

import duckdb
import numpy as np
from zhnews.transforms.neardup import NUM_PERM

KEY_FOLDER = ".zhnews.story-keys"  # beside the database file
MAX_DELTA_ROWS = 2_000_000  # a delta of more keys (16 MB; about 22,000 documents) is merged into the base
_PARTS = ("base", "delta", "base_signatures", "delta_signatures")
# base: (2, n) uint32 (key, doc_no) sorted; delta: the same; base_signatures: (next_doc_no at the last merge,
# NUM_PERM) uint32, row = doc_no; delta_signatures: (documents, 1 + NUM_PERM) uint32, column 0 the doc_no


class StoryKeyIndex:
    """The sorted band keys and the signatures of a database's stories index, read from its files
    (built from the tables if they are missing). Changes are made in the caller's transaction and
    the files written before it commits; `collect_garbage` after the commit removes the files
    neither the old nor the new state names."""

    def __init__(self, con: duckdb.DuckDBPyConnection, load: bool = True):
        """The index of `con`'s database (`load` False: empty, for `replace` to fill)."""
        self.con = con
        self.folder = key_folder(con)
        self.named_before = set(_named_files(con))
        self.parts: dict[str, np.ndarray] = _empty_parts()
        self.files: dict[str, str | None] = {}  # the file a part was read from (not written again)
        self.next_doc_no = 0
        self._delta_rows: dict[int, int] = {}
        if not load:
            return
        stored = con.execute("SELECT role, name, size, next_doc_no FROM story_key_files").fetchall()
        parts = {role: _read(self.folder, name, size, role) for role, name, size, _ in stored}
        if self.folder is not None and set(parts) == set(_PARTS) and all(p is not None for p in parts.values()):
            self.parts, self.files = parts, {role: name for role, name, *_ in stored}
            self.next_doc_no = max(n for *_, n in stored)
        else:  # no files yet (a warehouse of an earlier zhnews), or missing: built from the record
            self._build_from_tables()

    @property
    def base(self) -> np.ndarray:
        return self.parts["base"]

    @property
    def delta(self) -> np.ndarray:
        return self.parts["delta"]

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

    def signature(self, doc_no: int) -> np.ndarray:
        """The signature stored for a doc_no (of a document in the stories)."""
        base = self.parts["base_signatures"]
        if doc_no < len(base):
            return np.array(base[doc_no])
        if not self._delta_rows:
            self._delta_rows = {int(n): k for k, n in enumerate(self.parts["delta_signatures"][:, 0])}
        return np.array(self.parts["delta_signatures"][self._delta_rows[doc_no], 1:])

    def add(self, keys: np.ndarray, doc_nos: np.ndarray, signatures: np.ndarray, dropped: np.ndarray) -> None:
        """Add the pairs and signatures of new documents (`signatures` in doc_no order, from
        `next_doc_no` on) and forget the documents `dropped` (their base rows stay until the next
        merge; lookups never see them); records the files."""
        new_nos = np.unique(doc_nos)
        delta, delta_signatures = self.delta, self.parts["delta_signatures"]
        if len(dropped):
            delta = delta[:, ~np.isin(delta[1], dropped)]
            delta_signatures = delta_signatures[~np.isin(delta_signatures[:, 0], dropped)]
        delta = _sorted(np.concatenate([delta, np.stack([keys, doc_nos]).astype(np.uint32)], axis=1))
        rows = np.concatenate([new_nos[:, None].astype(np.uint32), signatures.astype(np.uint32)], axis=1)
        delta_signatures = np.concatenate([delta_signatures, rows])
        next_doc_no = max(self.next_doc_no, int(new_nos.max()) + 1 if len(new_nos) else 0)
        if delta.shape[1] <= MAX_DELTA_ROWS:
            kept = {role: self.parts[role] for role in ("base", "base_signatures")}
            self._record({**kept, "delta": delta, "delta_signatures": delta_signatures}, next_doc_no)
            return
        # merged into a new base without the documents that left
        live = np.zeros(next_doc_no, dtype=bool)
        live[self.con.execute("SELECT doc_no FROM story_docs").to_arrow_table().column(0).to_numpy()] = True
        pairs = np.concatenate([np.asarray(self.base), delta], axis=1)
        base_signatures = np.zeros((next_doc_no, NUM_PERM), dtype=np.uint32)
        old = self.parts["base_signatures"]
        base_signatures[: len(old)] = old
        base_signatures[delta_signatures[:, 0]] = delta_signatures[:, 1:]
        base_signatures[~live] = 0
        self._record(_parts(_sorted(pairs[:, live[pairs[1]]]), base_signatures), next_doc_no)

    def replace(self, keys: np.ndarray, doc_nos: np.ndarray, signatures: np.ndarray) -> None:
        """Make these the whole index (a full pass): pairs, and the signatures by doc_no (row = doc_no)."""
        pairs = np.stack([keys, doc_nos]).astype(np.uint32)
        self._record(_parts(_sorted(pairs), np.ascontiguousarray(signatures, dtype=np.uint32)), len(signatures))

    def collect_garbage(self) -> None:
        """Remove the files of the folder that the database named neither before nor now."""
        if self.folder is None or not self.folder.exists():
            return
        keep = self.named_before | set(_named_files(self.con))
        for path in self.folder.iterdir():
            if path.name not in keep:
                path.unlink(missing_ok=True)

    def _build_from_tables(self) -> None:
        """The index of what `story_keys`, `story_docs` and `doc_signatures` hold."""
        pairs = self.con.execute("SELECT key, doc_no FROM story_keys").to_arrow_table()
        docs = self.con.execute(
            "SELECT x.doc_no, s.minhash FROM story_docs x JOIN doc_signatures s USING (doc_id)"
        ).to_arrow_table()
        doc_nos = docs.column("doc_no").to_numpy()
        size = max(int(doc_nos.max()) + 1 if len(doc_nos) else 0, self.next_doc_no)
        signatures = np.zeros((size, NUM_PERM), dtype=np.uint32)
        if len(doc_nos):
            flat = docs.column("minhash").combine_chunks().flatten().to_numpy()
            signatures[doc_nos] = flat.reshape(len(doc_nos), NUM_PERM)
        self.replace(pairs.column("key").to_numpy(), pairs.column("doc_no").to_numpy(), signatures)

    def _record(self, parts: dict[str, np.ndarray], next_doc_no: int) -> None:
        """Hold these parts, write the files of those that changed and name them in `story_key_files`
        (an empty part: no file)."""
        files = {role: self.files.get(role) if part is self.parts[role] else None for role, part in parts.items()}
        self.parts, self.next_doc_no, self._delta_rows = parts, next_doc_no, {}
        if self.folder is None:
            return
        for role, part in parts.items():
            if files[role] is None and part.size:
                files[role] = _write(self.folder, part)
            elif not part.size:
                files[role] = None
        self.files = files
        self.con.execute("DELETE FROM story_key_files")
        self.con.executemany(
            "INSERT INTO story_key_files VALUES (?, ?, ?, ?)",
            [[role, files[role], int(parts[role].size), next_doc_no] for role in _PARTS],
        )


def key_folder(con: duckdb.DuckDBPyConnection) -> Path | None:
    """Where the index files of the open database are kept (None: an in-memory database)."""
    path = con.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchone()[0]
    return Path(path).parent / KEY_FOLDER if path else None


def _named_files(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [r[0] for r in con.execute("SELECT name FROM story_key_files WHERE name IS NOT NULL").fetchall()]


def _empty_parts() -> dict[str, np.ndarray]:
    return {
        "base": np.zeros((2, 0), dtype=np.uint32),
        "delta": np.zeros((2, 0), dtype=np.uint32),
        "base_signatures": np.zeros((0, NUM_PERM), dtype=np.uint32),
        "delta_signatures": np.zeros((0, 1 + NUM_PERM), dtype=np.uint32),
    }


def _parts(base: np.ndarray, base_signatures: np.ndarray) -> dict[str, np.ndarray]:
    """A merged index: this base, an empty delta."""
    empty = _empty_parts()
    return {**empty, "base": base, "base_signatures": base_signatures}


def _sorted(pairs: np.ndarray) -> np.ndarray:
    """(2, n) pairs in (key, doc_no) order."""
    combined = np.sort((pairs[0].astype(np.uint64) << np.uint64(32)) | pairs[1])
    return np.stack([(combined >> np.uint64(32)).astype(np.uint32), combined.astype(np.uint32)])


def _read(folder: Path | None, name: str | None, size: int, role: str) -> np.ndarray | None:
    """A named file, memory-mapped (an empty part: None as name); None if it is not there as named."""
    if folder is None or role not in _PARTS:
        return None
    if name is None:
        return _empty_parts()[role] if size == 0 else None
    try:
        part = np.load(folder / name, mmap_mode="r")
    except (OSError, ValueError):
        return None
    return part if part.size == size and part.dtype == np.uint32 else None


def _write(folder: Path, part: np.ndarray) -> str:
    """Write `part` as a file named by its content (kept if one of that name is there); returns the name."""
    data = np.ascontiguousarray(part)
    digest = hashlib.blake2b(data.data, digest_size=16)
    digest.update(repr(data.shape).encode())
    name = digest.hexdigest() + ".npy"
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
