"""Near-duplicate stories: cluster the warehouse's documents from their stored MinHash signatures.

Runs after loading (it needs every document). Signatures were computed once at ingest and are read
back from `doc_signatures`; LSH proposes candidate pairs, which are checked exactly on the texts
(`transforms.neardup`), and the connected components become `doc_stories`.
"""

from __future__ import annotations

import duckdb

from transforms.neardup import CONTAINMENT_THRESHOLD, JACCARD_THRESHOLD, candidate_pairs, clusters, containment, jaccard

_TEXT = "coalesce(title, '') || chr(10) || coalesce(body, '')"


def rebuild_stories(con: duckdb.DuckDBPyConnection) -> int:
    """Recompute `doc_stories` in one transaction; returns the number of stories (clusters ≥ 2)."""
    signatures = con.execute(
        "SELECT s.doc_id, s.minhash, s.shingles FROM doc_signatures s SEMI JOIN documents d USING (doc_id)"
        " ORDER BY s.doc_id"
    ).fetchall()
    candidates = candidate_pairs(signatures)
    texts = _texts(con, {c.a for c in candidates} | {c.b for c in candidates})
    best: dict[str, tuple[float, str]] = {}
    edges = []
    for c in candidates:
        similarity, relations = jaccard(texts[c.a], texts[c.b]), ("repost", "repost")
        if similarity < JACCARD_THRESHOLD:
            if not c.contained:
                continue
            similarity, relations = containment(texts[c.a], texts[c.b]), ("excerpt", "contains")
            if similarity < CONTAINMENT_THRESHOLD:
                continue
        edges.append((c.a, c.b))
        for doc_id, relation in zip((c.a, c.b), relations, strict=True):
            if similarity > best.get(doc_id, (-1.0, ""))[0]:
                best[doc_id] = (similarity, relation)
    members = clusters(edges)
    first = _earliest(con, members)
    rows = [
        (doc_id, first[root], 1.0 if doc_id == first[root] else best[doc_id][0], _relation(doc_id, first[root], best))
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


def _relation(doc_id: str, story_id: str, best: dict[str, tuple[float, str]]) -> str:
    return "first" if doc_id == story_id else best[doc_id][1]


def _texts(con: duckdb.DuckDBPyConnection, doc_ids: set[str]) -> dict[str, str]:
    if not doc_ids:
        return {}
    rows = con.execute(
        f"SELECT doc_id, {_TEXT} FROM documents WHERE doc_id IN (SELECT unnest(?::VARCHAR[]))", [sorted(doc_ids)]
    ).fetchall()
    return dict(rows)


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
