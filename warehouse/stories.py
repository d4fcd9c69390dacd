"""Near-duplicate stories: cluster the warehouse's documents from their stored MinHash signatures.

Runs after loading (it needs every document). Signatures were computed once at ingest and are read
back from `doc_signatures` in Arrow batches into one compact uint32 matrix, oldest document first;
`transforms.neardup.find_signed_matches` links reposts
to their story's first document and excerpts to the full article containing them (checked exactly
on the texts), and the linked groups become `doc_stories`.
"""

from __future__ import annotations

from collections import OrderedDict

import duckdb
import numpy as np
import pyarrow as pa
from zhnews.transforms.doc_text import DOCUMENT_TEXT_SQL
from zhnews.transforms.neardup import (
    MIN_SHINGLES,
    NUM_PERM,
    PARAMETERS,
    clusters,
    containments,
    find_signed_matches,
    shingle_hashes_of_many,
)
from zhnews.warehouse.id_sets import registered_ids

_TEXT = DOCUMENT_TEXT_SQL.format(t="")


def rebuild_stories(con: duckdb.DuckDBPyConnection, force: bool = False) -> int:
    """Recompute `doc_stories` in one transaction; returns the number of stories (clusters ≥ 2).

    Skipped (unless `force`) when nothing it reads changed since the last pass: the pass is
    deterministic, so the stored stories are what it would compute again."""
    fingerprint = stories_fingerprint(con)
    stored = con.execute("SELECT fingerprint, stories FROM stories_input").fetchone()
    if stored is not None and stored[0] == fingerprint and not force:
        return int(stored[1])
    doc_ids, signatures, sizes, partial = read_signatures(con)
    texts = _TextCache(con)
    matches = find_signed_matches(doc_ids, signatures, sizes, partial, texts.exact)
    del signatures
    best = {m.a: (m.similarity, m.relation) for m in matches if m.relation == "repost"}
    best.update({m.a: (m.similarity, m.relation) for m in matches if m.relation == "excerpt"})
    for m in matches:
        if m.relation == "excerpt":
            best.setdefault(m.b, (m.similarity, "contains"))
    members = clusters((m.a, m.b) for m in matches)
    first = _earliest(con, members)
    rows = [
        (doc_id, first[root], *best.get(doc_id, (1.0, "first" if doc_id == first[root] else "repost")))
        for doc_id, root in members.items()
    ]
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("DELETE FROM doc_stories")
        if rows:
            table = pa.Table.from_pylist(
                [dict(zip(("doc_id", "story_id", "similarity", "relation"), row, strict=True)) for row in rows]
            )
            con.register("_new_stories", table)
            try:
                con.execute("INSERT INTO doc_stories SELECT doc_id, story_id, similarity, relation FROM _new_stories")
            finally:
                con.unregister("_new_stories")
        stories = len(set(first.values()))
        con.execute("DELETE FROM stories_input")
        con.execute("INSERT INTO stories_input VALUES (?, ?)", [fingerprint, stories])
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return stories


def stories_up_to_date(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether `doc_stories` is what a pass over the current documents would compute."""
    stored = con.execute("SELECT fingerprint FROM stories_input").fetchone()
    if stored is None:  # never computed: up to date only while there is nothing to group
        return not con.execute("SELECT count(*) FROM documents").fetchone()[0]
    return stored[0] == stories_fingerprint(con)


def stories_fingerprint(con: duckdb.DuckDBPyConnection) -> int:
    """A 64-bit fingerprint of everything `rebuild_stories` reads: each document's id, publication
    time, kind, truncation, title and body with its signature, and the pass's parameters."""
    documents = con.execute(
        "SELECT coalesce(bit_xor(hash(d.doc_id, d.published_at, d.body_kind, d.truncated, d.title, d.body,"
        " s.shingles, s.minhash)), 0), count(*) FROM documents d LEFT JOIN doc_signatures s USING (doc_id)"
    ).fetchone()
    return int(con.execute("SELECT hash(?, ?, ?)", [documents[0], documents[1], PARAMETERS]).fetchone()[0])


def read_signatures(
    con: duckdb.DuckDBPyConnection, batch_rows: int = 65536
) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
    """Every stored signature long enough to compare, oldest document first, streamed from DuckDB in
    Arrow batches into compact arrays: doc_ids, an (n, NUM_PERM) uint32 matrix, shingle counts,
    and whether each document is partial (a snippet or summary). The arrays are allocated once and
    filled batch by batch (the matrix is the pass's largest object: 0.5 KB per document)."""
    where = "FROM doc_signatures s JOIN documents d USING (doc_id) WHERE s.shingles >= $min_shingles"
    count = con.execute(f"SELECT count(*) {where}", {"min_shingles": MIN_SHINGLES}).fetchone()[0]
    reader = con.execute(
        "SELECT s.doc_id, s.minhash, s.shingles, d.body_kind <> 'full' OR coalesce(d.truncated, false) AS partial"
        f" {where} ORDER BY d.published_at NULLS LAST, s.doc_id",
        {"min_shingles": MIN_SHINGLES},
    ).to_arrow_reader(batch_rows)
    doc_ids: list[str] = []
    signatures = np.empty((count, NUM_PERM), dtype=np.uint32)
    sizes = np.empty(count, dtype=np.int64)
    partial = np.empty(count, dtype=bool)
    for batch in reader:
        rows = slice(len(doc_ids), len(doc_ids) + len(batch))
        doc_ids.extend(batch.column("doc_id").to_pylist())
        signatures[rows] = batch.column("minhash").flatten().to_numpy().reshape(len(batch), NUM_PERM)
        sizes[rows] = batch.column("shingles").to_numpy()
        partial[rows] = batch.column("partial").to_numpy(zero_copy_only=False)
    return doc_ids, signatures, sizes, partial


class _TextCache:
    """Exact containment checks on the stored texts. Each batch's texts are fetched in chunks and
    shingled together; the containing (full) documents, which recur across batches, stay cached
    up to `cached_shingles` hashes (least recently used dropped first), so memory stays bounded."""

    def __init__(self, con: duckdb.DuckDBPyConnection, chunk: int = 8192, cached_shingles: int = 4_000_000):
        self.con = con
        self.chunk = chunk
        self.cached_shingles = cached_shingles
        self.wholes: OrderedDict[str, np.ndarray] = OrderedDict()
        self.held = 0

    def exact(self, pairs: list[tuple[str, str]]) -> np.ndarray:
        """Containment of each pair's first document's shingles in its second's."""
        parts = sorted({a for a, _ in pairs})
        wholes = sorted({b for _, b in pairs})
        known = {b: self.wholes[b] for b in wholes if b in self.wholes}
        for b in known:
            self.wholes.move_to_end(b)
        fetched = self._shingles(sorted(set(parts) | (set(wholes) - set(known))))
        for b in wholes:
            if b not in known:
                known[b] = fetched.get(b, _EMPTY)
                self._keep(b, known[b])
        part_at = {a: k for k, a in enumerate(parts)}
        whole_at = {b: k for k, b in enumerate(wholes)}
        return containments(
            [fetched.get(a, _EMPTY) for a in parts],
            [known[b] for b in wholes],
            np.asarray([(part_at[a], whole_at[b]) for a, b in pairs], dtype=np.int64),
        )

    def _shingles(self, doc_ids: list[str]) -> dict[str, np.ndarray]:
        shingles: dict[str, np.ndarray] = {}
        for start in range(0, len(doc_ids), self.chunk):
            with registered_ids(self.con, doc_ids[start : start + self.chunk]) as ids:
                rows = self.con.execute(
                    f"SELECT doc_id, {_TEXT} FROM documents WHERE doc_id IN (SELECT id FROM {ids})"
                ).fetchall()
            hashes = shingle_hashes_of_many([text for _, text in rows])
            shingles.update((doc_id, h.copy()) for (doc_id, _), h in zip(rows, hashes, strict=True))
        return shingles

    def _keep(self, doc_id: str, shingles: np.ndarray) -> None:
        if doc_id in self.wholes or len(shingles) > self.cached_shingles:
            return
        self.wholes[doc_id] = shingles
        self.held += len(shingles)
        while self.held > self.cached_shingles:
            _, dropped = self.wholes.popitem(last=False)
            self.held -= len(dropped)


_EMPTY = np.zeros(0, dtype=np.uint32)


def _earliest(con: duckdb.DuckDBPyConnection, members: dict[str, str]) -> dict[str, str]:
    """Cluster root → the doc_id of its earliest published document (then the smallest doc_id)."""
    if not members:
        return {}
    with registered_ids(con, sorted(members)) as ids:
        rows = con.execute(
            f"SELECT doc_id, published_at FROM documents WHERE doc_id IN (SELECT id FROM {ids})"
        ).fetchall()
    published = dict(rows)
    first: dict[str, str] = {}
    for doc_id in sorted(members, key=lambda d: (published.get(d) is None, published.get(d) or 0, d)):
        first.setdefault(members[doc_id], doc_id)
    return first
