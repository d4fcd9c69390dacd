"""Near-duplicate stories: cluster the warehouse's documents from their stored MinHash signatures.

Runs after loading (it needs every document). Signatures were computed once at ingest and are read
back from `doc_signatures`, oldest document first; `transforms.neardup.find_matches` links reposts
to their story's first document and excerpts to the full article containing them (checked exactly
on the texts), and the linked groups become `doc_stories`.
"""

from __future__ import annotations

import duckdb
import numpy as np

from transforms.neardup import SignedDoc, clusters, find_matches, shingle_hashes

_TEXT = "coalesce(title, '') || chr(10) || coalesce(body, '')"


def rebuild_stories(con: duckdb.DuckDBPyConnection) -> int:
    """Recompute `doc_stories` in one transaction; returns the number of stories (clusters ≥ 2)."""
    signed = con.execute(
        "SELECT s.doc_id, s.minhash, s.shingles, d.body_kind <> 'full' OR coalesce(d.truncated, false)"
        " FROM doc_signatures s JOIN documents d USING (doc_id) ORDER BY d.published_at NULLS LAST, s.doc_id"
    ).fetchall()
    texts = _TextCache(con)
    matches = find_matches((SignedDoc(*row) for row in signed), texts.exact)
    del signed
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
            con.executemany("INSERT INTO doc_stories VALUES (?, ?, ?, ?)", rows)
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return len(set(first.values()))


class _TextCache:
    """Exact similarity checks on the stored texts, fetched in chunks and shingled once each."""

    def __init__(self, con: duckdb.DuckDBPyConnection, chunk: int = 2000):
        self.con = con
        self.chunk = chunk

    def exact(self, pairs: list[tuple[str, str]]) -> list[float]:
        needed = sorted({d for pair in pairs for d in pair})
        shingles: dict[str, np.ndarray] = {}
        for start in range(0, len(needed), self.chunk):
            rows = self.con.execute(
                f"SELECT doc_id, {_TEXT} FROM documents WHERE doc_id IN (SELECT unnest(?::VARCHAR[]))",
                [needed[start : start + self.chunk]],
            ).fetchall()
            shingles.update((doc_id, shingle_hashes(text)) for doc_id, text in rows)
        empty = np.zeros(0, dtype=np.uint64)
        return [_containment(shingles.get(a, empty), shingles.get(b, empty)) for a, b in pairs]


def _containment(x: np.ndarray, y: np.ndarray) -> float:
    return len(np.intersect1d(x, y, assume_unique=True)) / len(x) if len(x) else 0.0


def _earliest(con: duckdb.DuckDBPyConnection, members: dict[str, str]) -> dict[str, str]:
    """Cluster root → the doc_id of its earliest published document (then the smallest doc_id)."""
    if not members:
        return {}
    rows = con.execute(
        "SELECT doc_id, published_at FROM documents WHERE doc_id IN (SELECT unnest(?::VARCHAR[]))",
        [sorted(members)],
    ).fetchall()
    published = dict(rows)
    first: dict[str, str] = {}
    for doc_id in sorted(members, key=lambda d: (published.get(d) is None, published.get(d) or 0, d)):
        first.setdefault(members[doc_id], doc_id)
    return first
