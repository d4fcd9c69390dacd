"""Near-duplicate stories, kept up to date run by run from an index stored in the warehouse.

The links (`transforms.neardup.find_signed_matches`) are a function of the set of documents: reposts
by leader clustering in the documents' own order (publication time, then doc_id), excerpts to
the full document containing them best among those sharing a band. So the stories of a warehouse
built by many runs are those of one run over the same files.

What places a new document is stored: `story_docs` (each document's order, kind, and the leader or
source it was linked to) and `story_keys` (its band keys; a partial document's excerpt keys with
`PARTIAL_KEY_BIT` flipped, so that looking a key up finds only documents of the other kind: the
excerpt bands of listings' snippets are shared by thousands of other snippets, which a lookup
never wants). The keys are looked up, and stored documents' signatures read, in a sorted copy
beside the warehouse (`warehouse.story_index`): a search, where DuckDB scans the table. The loader
lists the documents it inserts, replaces or drops in `stories_pending`; a pass then looks up only
their keys:

* reposts: each pending document is placed against the leaders among its band neighbours; one that
  starts a story, or stops leading one, may change the leader of later documents it shares a band
  with, which are placed again in turn (in order, so each sees its final earlier neighbours);
* excerpts: a pending partial document, and every stored one sharing a band with a pending (new or
  dropped) full document, chooses its source again among the full documents sharing its bands;
* the stories (`doc_stories`) touched by a changed link are regrouped from the stored links.

The first pass, a change of the pass's parameters, or a load bringing more than `FULL_SHARE` of the
indexed documents recompute everything from the stored signatures, in memory (`rebuild_stories`).
"""

from __future__ import annotations

import heapq
from collections import OrderedDict, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import duckdb
import numpy as np
import pyarrow as pa
from zhnews.transforms.doc_text import DOCUMENT_TEXT_SQL
from zhnews.transforms.neardup import (
    BAND_MASK,
    CONTAINMENT_THRESHOLD,
    ESTIMATE_MARGIN,
    EXCERPT_BANDS,
    JACCARD_THRESHOLD,
    MIN_SHINGLES,
    NUM_PERM,
    PARAMETERS,
    best_sources,
    clusters,
    containment_estimates,
    containments,
    excerpt_keys,
    find_signed_matches,
    is_repost_key,
    likely_sources,
    repost_keys,
    shingle_hashes_of_many,
)
from zhnews.warehouse.id_sets import registered_ids
from zhnews.warehouse.story_index import StoryKeyIndex

_TEXT = DOCUMENT_TEXT_SQL.format(t="")
_PARTIAL = "(d.body_kind <> 'full' OR coalesce(d.truncated, false))"
FULL_SHARE = 0.25  # a load bringing more pending documents than this share of the indexed ones: full pass
PARTIAL_KEY_BIT = np.uint32(1 << 31)  # flipped in a partial document's stored excerpt keys (a hash bit, not the band's)
STORED_KEYS = "excerpt keys of partial documents flipped at bit 31"  # the stored index's format, in the fingerprint
_NO_TIME = 2**63  # documents without a publication time come last
STORY_DOC_COLUMNS = "doc_no, doc_id, published_us, partial, shingles, leader, similarity, source, containment"


def update_stories(
    con: duckdb.DuckDBPyConnection,
    force: bool = False,
    full_share: float | None = None,
    log: Callable[[dict[str, list] | None], None] | None = None,
) -> int:
    """Bring `doc_stories` up to date with the documents, in one transaction; returns the number of
    stories (groups of two documents or more). Places only the pending documents, unless `force`,
    the parameters changed or the pending documents are more than `full_share` (None: `FULL_SHARE`)
    of the indexed ones (see the module's docstring).

    `log` is told, in that transaction, what the pass wrote: the rows it changed (`copy_stories`
    gives another database the same rows), or None when it recomputed everything; a pass with
    nothing pending writes nothing and tells nothing."""
    fingerprint = parameters_fingerprint(con)
    stored = con.execute("SELECT fingerprint, stories FROM stories_input").fetchone()
    if force or stored is None or stored[0] != fingerprint:
        return rebuild_stories(con, log)
    pending = con.execute("SELECT count(DISTINCT doc_id) FROM stories_pending").fetchone()[0]
    if not pending:
        return int(stored[1])
    indexed = con.execute("SELECT count(*) FROM story_docs").fetchone()[0]
    if pending > (FULL_SHARE if full_share is None else full_share) * indexed:
        return rebuild_stories(con, log)
    index = StoryKeyIndex(con)

    def place() -> int:
        stories, written = _place_pending(con, index)
        if log is not None:
            log(written)
        return stories

    stories = _in_transaction(con, place)
    index.collect_garbage()
    return stories


def copy_stories(con: duckdb.DuckDBPyConnection, written: dict[str, list], source: str) -> None:
    """Give the stories tables the rows the attached database `source` holds where a pass wrote
    (`written`, as `update_stories` logs it: doc_ids of `story_docs` and `doc_stories` rows, doc_nos of
    `story_keys` rows), and its stories index files and parameters, in the caller's transaction: what
    that pass computed, copied instead of computed again (a catch-up); nothing is left pending."""
    for table, column in (("story_docs", "docs"), ("doc_stories", "stories")):
        with registered_ids(con, written[column]) as ids:
            con.execute(f"DELETE FROM {table} WHERE doc_id IN (SELECT id FROM {ids})")
            con.execute(
                f"INSERT INTO {table} BY NAME SELECT * FROM {source}.{table} WHERE doc_id IN (SELECT id FROM {ids})"
            )
    con.register("_story_doc_nos", pa.table({"doc_no": pa.array(written["keys"], pa.uint32())}))
    try:
        con.execute("DELETE FROM story_keys WHERE doc_no IN (SELECT doc_no FROM _story_doc_nos)")
        con.execute(
            f"INSERT INTO story_keys BY NAME SELECT * FROM {source}.story_keys"
            " WHERE doc_no IN (SELECT doc_no FROM _story_doc_nos)"
        )
    finally:
        con.unregister("_story_doc_nos")
    for table in ("story_key_files", "stories_input"):
        con.execute(f"DELETE FROM {table}")
        con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM {source}.{table}")
    con.execute("DELETE FROM stories_pending")


def stories_up_to_date(con: duckdb.DuckDBPyConnection) -> bool:
    """Whether `doc_stories` is what a pass over the current documents would compute."""
    stored = con.execute("SELECT fingerprint FROM stories_input").fetchone()
    if stored is None:  # never computed: up to date only while there is nothing to group
        return not con.execute("SELECT count(*) FROM documents").fetchone()[0]
    pending = con.execute("SELECT count(*) FROM stories_pending").fetchone()[0]
    return stored[0] == parameters_fingerprint(con) and not pending


def parameters_fingerprint(con: duckdb.DuckDBPyConnection) -> int:
    """A 64-bit fingerprint of the pass's parameters (`transforms.neardup.PARAMETERS`) and of the
    stored index's format (`STORED_KEYS`): a change of either recomputes everything."""
    return int(con.execute("SELECT hash(?)", [PARAMETERS + STORED_KEYS]).fetchone()[0])


def rebuild_stories(con: duckdb.DuckDBPyConnection, log: Callable[[dict[str, list] | None], None] | None = None) -> int:
    """Recompute every link, the stored index and `doc_stories` from the stored signatures, in one
    transaction (`log` told None in it); returns the number of stories."""
    doc_ids, signatures, sizes, partial, published = read_signatures(con)
    texts = _TextCache(con)
    matches = find_signed_matches(doc_ids, signatures, sizes, partial, texts.exact)
    leader = {m.a: (m.b, m.similarity) for m in matches if m.relation == "repost"}
    source = {m.a: (m.b, m.similarity) for m in matches if m.relation == "excerpt"}
    docs = pa.table(
        {
            "doc_no": pa.array(np.arange(len(doc_ids), dtype=np.uint32)),
            "doc_id": pa.array(doc_ids, pa.string()),
            "published_us": pa.array(published, pa.int64()),
            "partial": pa.array(partial),
            "shingles": pa.array(sizes.astype(np.int32)),
            "leader": pa.array([leader.get(d, (None, None))[0] for d in doc_ids], pa.string()),
            "similarity": pa.array([leader.get(d, (None, None))[1] for d in doc_ids], pa.float64()),
            "source": pa.array([source.get(d, (None, None))[0] for d in doc_ids], pa.string()),
            "containment": pa.array([source.get(d, (None, None))[1] for d in doc_ids], pa.float64()),
        }
    )
    keys = _keys_table(signatures, np.arange(len(doc_ids), dtype=np.uint32), partial)
    order = {d: (t if t is not None else _NO_TIME, d) for d, t in zip(doc_ids, published, strict=True)}
    linked = sorted({d for m in matches for d in (m.a, m.b)})
    rows = story_rows(linked, order, leader, source)
    index = StoryKeyIndex(con, load=False)

    def write() -> int:
        for table in ("story_docs", "story_keys", "doc_stories", "stories_pending"):
            con.execute(f"DELETE FROM {table}")
        _insert(con, "story_docs", docs)
        _insert(con, "story_keys", keys)
        index.replace(keys.column("key").to_numpy(), keys.column("doc_no").to_numpy(), signatures)
        _insert(con, "doc_stories", _stories_table(rows))
        if log is not None:
            log(None)
        return _finish(con)

    stories = _in_transaction(con, write)
    index.collect_garbage()
    return stories


def story_rows(
    members: Iterable[str],
    order: dict[str, tuple[int, str]],
    leader: dict[str, tuple[str, float]],
    source: dict[str, tuple[str, float]],
) -> list[tuple[str, str, float, str]]:
    """`doc_stories` rows (doc_id, story_id, similarity, relation) of `members`, grouped by their links
    (`leader`: repost → its leader and Jaccard; `source`: excerpt → its source and containment; the
    links of members must point at members): a story is named by its earliest document (`order`);
    an excerpt's source `contains` (the containment of its earliest excerpt)."""
    members = list(members)
    edges = [(d, leader[d][0]) for d in members if d in leader] + [(d, source[d][0]) for d in members if d in source]
    roots = clusters(edges)
    first: dict[str, str] = {}
    for doc_id in sorted(roots, key=order.__getitem__):
        first.setdefault(roots[doc_id], doc_id)
    contains: dict[str, float] = {}
    for doc_id in sorted((d for d in members if d in source), key=order.__getitem__):
        contains.setdefault(source[doc_id][0], source[doc_id][1])
    rows = []
    for doc_id, root in roots.items():
        if doc_id in source:
            similarity, relation = source[doc_id][1], "excerpt"
        elif doc_id in leader:
            similarity, relation = leader[doc_id][1], "repost"
        elif doc_id in contains:
            similarity, relation = contains[doc_id], "contains"
        else:
            similarity, relation = 1.0, "first" if doc_id == first[root] else "repost"
        rows.append((doc_id, first[root], similarity, relation))
    return rows


def read_signatures(
    con: duckdb.DuckDBPyConnection, batch_rows: int = 65536
) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray, list[int | None]]:
    """Every stored signature long enough to compare, oldest document first, streamed from DuckDB in
    Arrow batches into compact arrays: doc_ids, an (n, NUM_PERM) uint32 matrix, shingle counts,
    whether each document is partial (a snippet or summary), and publication times (µs). The arrays
    are allocated once and filled batch by batch (the matrix is the pass's largest object: 0.5 KB per
    document)."""
    where = "FROM doc_signatures s JOIN documents d USING (doc_id) WHERE s.shingles >= $min_shingles"
    count = con.execute(f"SELECT count(*) {where}", {"min_shingles": MIN_SHINGLES}).fetchone()[0]
    reader = con.execute(
        f"SELECT s.doc_id, s.minhash, s.shingles, {_PARTIAL} AS partial, epoch_us(d.published_at) AS published"
        f" {where} ORDER BY d.published_at NULLS LAST, s.doc_id",
        {"min_shingles": MIN_SHINGLES},
    ).to_arrow_reader(batch_rows)
    doc_ids: list[str] = []
    published: list[int | None] = []
    signatures = np.empty((count, NUM_PERM), dtype=np.uint32)
    sizes = np.empty(count, dtype=np.int64)
    partial = np.empty(count, dtype=bool)
    for batch in reader:
        rows = slice(len(doc_ids), len(doc_ids) + len(batch))
        doc_ids.extend(batch.column("doc_id").to_pylist())
        published.extend(batch.column("published").to_pylist())
        signatures[rows] = batch.column("minhash").flatten().to_numpy().reshape(len(batch), NUM_PERM)
        sizes[rows] = batch.column("shingles").to_numpy()
        partial[rows] = batch.column("partial").to_numpy(zero_copy_only=False)
    return doc_ids, signatures, sizes, partial, published


# --- placing the pending documents ------------------------------------------------------------------


@dataclass
class _Doc:
    """A document the pass has read: its place in the order, its signature, and its links."""

    doc_id: str
    order: tuple[int, str]
    partial: bool
    shingles: int
    signature: np.ndarray
    doc_no: int | None  # None: not stored yet (pending)
    leader: tuple[str, float] | None
    source: tuple[str, float] | None
    stored_links: tuple[str | None, str | None] = (None, None)  # (leader, source) as stored before this pass
    repost_neighbours: set[str] | None = None  # sharing a repost band (None: not looked up yet)
    excerpt_neighbours: set[str] | None = None


class _Placement:
    """The documents one incremental pass reads, their band neighbours, and the links it changes.

    Rows of `story_docs` are read as the pass asks for them (by doc_no, doc_id, leader or source: a
    scan of that column only, then the rows by rowid), never the whole table (479,184 rows of the 300
    MB bench warehouse read into memory took 0.3-0.4 s a pass)."""

    def __init__(self, con: duckdb.DuckDBPyConnection, index: StoryKeyIndex):
        self.con = con
        self.index = index
        self.docs: dict[str, _Doc] = {}
        self.pending_keys: dict[int, list[str]] = defaultdict(list)  # band key → pending documents
        self.rows: dict[int, tuple] = {}  # the story_docs rows read so far (`STORY_DOC_COLUMNS`), by doc_no
        self.doc_no_of: dict[str, int] = {}
        self.unstored_nos: set[int] = set()  # asked for and not in story_docs (they left the stories)
        self.unstored_ids: set[str] = set()

    def fetch(self, column: str, values: Iterable) -> list[tuple]:
        """The story_docs rows whose `column` (doc_no, doc_id, leader or source) is one of `values`,
        in doc_no order; remembered, except those of documents that left (`leave`)."""
        values = sorted(set(values))
        if not values:
            return []
        kind = pa.uint32() if column == "doc_no" else pa.string()
        self.con.register("_story_asked", pa.table({"v": pa.array(values, kind)}))
        try:
            rows = self.con.execute(
                f"SELECT {STORY_DOC_COLUMNS} FROM story_docs WHERE rowid IN"
                f" (SELECT rowid FROM story_docs WHERE {column} IN (SELECT v FROM _story_asked)) ORDER BY doc_no"
            ).fetchall()
        finally:
            self.con.unregister("_story_asked")
        for row in rows:
            if row[1] not in self.unstored_ids:
                self.rows[row[0]] = row
                self.doc_no_of[row[1]] = row[0]
        return rows

    def rows_of_doc_nos(self, doc_nos: Iterable[int]) -> None:
        """Read the story_docs rows of these doc_nos not read yet."""
        asked = {n for n in doc_nos if n not in self.rows and n not in self.unstored_nos}
        self.fetch("doc_no", asked)
        self.unstored_nos.update(asked - self.rows.keys())

    def leave(self, doc_ids: list[str]) -> None:
        """Forget the stored rows of these documents (they leave the stories)."""
        self.unstored_ids.update(doc_ids)
        for doc_id in doc_ids:
            doc_no = self.doc_no_of.pop(doc_id, None)
            if doc_no is not None:
                del self.rows[doc_no]
                self.unstored_nos.add(doc_no)

    def read_stored(self, doc_ids: Iterable[str]) -> None:
        """Read the stored documents among `doc_ids` not read yet (index rows and signatures)."""
        wanted = sorted(set(doc_ids) - self.docs.keys() - self.unstored_ids)
        if not wanted:
            return
        asked = [d for d in wanted if d not in self.doc_no_of]
        self.fetch("doc_id", asked)
        self.unstored_ids.update(d for d in asked if d not in self.doc_no_of)
        for doc_id in wanted:
            if doc_id not in self.doc_no_of:
                continue
            doc_no, _, published, partial, shingles, leader, similarity, source, containment = self.rows[
                self.doc_no_of[doc_id]
            ]
            self.docs[doc_id] = _Doc(
                doc_id,
                (published if published is not None else _NO_TIME, doc_id),
                partial,
                shingles,
                self.index.signature(doc_no),
                doc_no,
                (leader, similarity) if leader is not None else None,
                (source, containment) if source is not None else None,
                (leader, source),
            )

    def add_pending(self, rows: list[tuple]) -> None:
        """Pending documents (doc_id, published µs, partial, shingles, minhash), not stored yet."""
        for doc_id, published, partial, shingles, minhash in rows:
            doc = _Doc(
                doc_id,
                (published if published is not None else _NO_TIME, doc_id),
                partial,
                shingles,
                np.asarray(minhash, dtype=np.uint32),
                None,
                None,
                None,
            )
            self.docs[doc_id] = doc
            for key in self._keys_of([doc]).ravel().tolist():
                self.pending_keys[key].append(doc_id)

    def look_up_neighbours(self, doc_ids: Iterable[str]) -> None:
        """Find the band neighbours of these (read) documents, stored and pending, and read them: those
        sharing a repost band, and those of the other kind (full or partial) sharing an excerpt band
        (an excerpt's source is full; two partials sharing a band, often a listing's chrome, are not
        looked at)."""
        docs = [self.docs[d] for d in doc_ids if self.docs[d].repost_neighbours is None]
        if not docs:
            return
        keys = self._keys_of(docs)
        owner = np.repeat(np.arange(len(docs)), keys.shape[1])
        partial = np.asarray([d.partial for d in docs])[owner]
        by_repost = is_repost_key(keys.ravel())
        at, doc_nos = self.index.find(stored_keys(keys.ravel(), ~partial))  # the other kind's excerpt keys
        self.rows_of_doc_nos(np.unique(doc_nos).tolist())
        found = []  # the documents that left the stories are not in story_docs
        asked_owner, asked_partial, asked_repost = owner.tolist(), partial.tolist(), by_repost.tolist()
        for q, doc_no in zip(at.tolist(), doc_nos.tolist(), strict=True):
            row = self.rows.get(doc_no)
            if row is not None and (asked_repost[q] or row[3] != asked_partial[q]):
                found.append((asked_owner[q], row[1], asked_repost[q]))
        for doc in docs:
            doc.repost_neighbours, doc.excerpt_neighbours = set(), set()
        for q, key, repost in zip(owner.tolist(), keys.ravel().tolist(), by_repost.tolist(), strict=True):
            for other in self.pending_keys.get(key, ()):
                if repost or self.docs[other].partial != docs[q].partial:
                    found.append((q, other, repost))
        for q, other, repost in found:
            if other != docs[q].doc_id:
                (docs[q].repost_neighbours if repost else docs[q].excerpt_neighbours).add(other)
        self.read_stored(other for _, other, _ in found)

    def _keys_of(self, docs: list[_Doc]) -> np.ndarray:
        signatures = np.stack([d.signature for d in docs])
        return np.concatenate([repost_keys(signatures), excerpt_keys(signatures)], axis=1)


def _place_pending(con: duckdb.DuckDBPyConnection, index: StoryKeyIndex) -> tuple[int, dict[str, list]]:
    """Place the pending documents (see the module's docstring); returns the number of stories and
    what the pass wrote (`copy_stories`)."""
    with registered_ids(con, _pending(con)) as ids:
        present = con.execute(  # rows found by a scan of doc_id only, then fetched
            f"SELECT d.doc_id, epoch_us(d.published_at), {_PARTIAL}, s.shingles, s.minhash"
            f" FROM (SELECT * FROM documents WHERE rowid IN (SELECT rowid FROM documents WHERE doc_id IN (SELECT id FROM {ids}))) d"
            f" JOIN (SELECT * FROM doc_signatures WHERE rowid IN (SELECT rowid FROM doc_signatures WHERE doc_id IN (SELECT id FROM {ids}))) s"
            f" USING (doc_id) WHERE s.shingles >= {MIN_SHINGLES}"
        ).fetchall()
        pending_ids = [r[0] for r in con.execute(f"SELECT id FROM {ids}").fetchall()]
    places = _Placement(con, index)
    # the stored versions of pending documents leave the index: their followers and excerpts are placed again,
    # and so is every stored partial sharing an excerpt band with a full document that leaves
    leaving = places.fetch("doc_id", pending_ids)
    old_links = {doc_id: (leader, source) for _, doc_id, _, _, _, leader, _, source, _ in leaving}
    dropped_doc_nos = np.asarray([row[0] for row in leaving], dtype=np.uint32)
    followers, orphans, uncovered = [], [], []
    if old_links:
        leaders = [d for d, (leader, _) in old_links.items() if leader is None]
        followers = [row[1] for row in places.fetch("leader", leaders)]
        orphans = [row[1] for row in places.fetch("source", old_links)]
        dropped_rows = pa.table(
            {
                "doc_id": pa.array(list(old_links), pa.string()),
                "doc_no": pa.array(dropped_doc_nos, pa.uint32()),
                "partial": pa.array([row[3] for row in leaving], pa.bool_()),
            }
        )
        _insert(con, "story_dropped", dropped_rows, create=True)
        if not all(row[3] for row in leaving):
            uncovered = _partials_sharing_excerpt_bands(con, index)
        con.execute("DELETE FROM story_keys WHERE doc_no IN (SELECT doc_no FROM story_dropped)")
        con.execute("DELETE FROM story_docs WHERE doc_id IN (SELECT doc_id FROM story_dropped)")
        places.leave(list(old_links))
    dropped = set(old_links)
    places.add_pending(present)
    pending = {row[0] for row in present}
    places.read_stored([*followers, *orphans, *uncovered])
    docs = places.docs
    # one lookup for all the documents known to be placed again
    places.look_up_neighbours(sorted({*pending, *(d for d in (*followers, *orphans, *uncovered) if d in docs)}))
    _place_reposts(places, pending, [d for d in followers if d in docs and d not in pending])
    excerpts = {d for d in pending if docs[d].partial} | {d for d in (*orphans, *uncovered) if d in docs}
    for doc_id in sorted(d for d in pending if not docs[d].partial):  # stored partials a new full document may source
        places.look_up_neighbours([doc_id])
        near = sorted(d for d in docs[doc_id].excerpt_neighbours if docs[d].partial and d not in pending)
        excerpts.update(_likely_parts(places, near, doc_id))
    _place_excerpts(places, sorted(excerpts))
    # what changed: the stories of these documents, and of their old and new links, are regrouped
    changed = {
        d
        for d, doc in docs.items()
        if d not in pending and (doc.leader and doc.leader[0], doc.source and doc.source[0]) != doc.stored_links
    }
    involved = pending | dropped | changed
    for doc_id in list(involved):
        involved.update(t for t in old_links.get(doc_id, ()) if t)
        doc = docs.get(doc_id)
        if doc is not None:
            involved.update(t for t in doc.stored_links if t)
            involved.update(t[0] for t in (doc.leader, doc.source) if t)
    with registered_ids(con, sorted(involved)) as ids:
        members = {
            r[0]
            for r in con.execute(
                "SELECT doc_id FROM doc_stories WHERE story_id IN"
                f" (SELECT story_id FROM doc_stories WHERE doc_id IN (SELECT id FROM {ids}))"
            ).fetchall()
        }
    regrouped = (members | involved) - (dropped - pending)
    places.read_stored(regrouped)
    regrouped &= docs.keys()  # documents the pass does not consider (too short) have no links
    leader = {d: docs[d].leader for d in regrouped if docs[d].leader}
    source = {d: docs[d].source for d in regrouped if docs[d].source}
    linked = {d for d in regrouped if d in leader or d in source} | {t[0] for t in (*leader.values(), *source.values())}
    rows = story_rows(linked, {d: docs[d].order for d in linked}, leader, source)
    # writes: the pending documents' index rows and keys, the changed links, the regrouped stories
    stored_end = con.execute("SELECT coalesce(max(doc_no) + 1, 0) FROM story_docs").fetchone()[0]
    start = max(stored_end, index.next_doc_no)  # one past every doc_no stored or named by the index files
    for k, doc_id in enumerate(sorted(pending)):
        docs[doc_id].doc_no = start + k
    rewritten = sorted(pending | (changed - dropped))
    with registered_ids(con, rewritten) as ids:
        con.execute(f"DELETE FROM story_docs WHERE doc_id IN (SELECT id FROM {ids})")
    _insert(con, "story_docs", _docs_table([docs[d] for d in rewritten]))
    new = [docs[d] for d in sorted(pending)]
    keys = _keys_table(
        np.stack([d.signature for d in new]) if new else np.zeros((0, NUM_PERM), dtype=np.uint32),
        np.asarray([d.doc_no for d in new], dtype=np.uint32),
        np.asarray([d.partial for d in new], dtype=bool),
    )
    _insert(con, "story_keys", keys)
    signatures = np.stack([d.signature for d in new]) if new else np.zeros((0, NUM_PERM), dtype=np.uint32)
    index.add(keys.column("key").to_numpy(), keys.column("doc_no").to_numpy(), signatures, dropped_doc_nos)
    with registered_ids(con, sorted(members | involved)) as ids:
        con.execute(f"DELETE FROM doc_stories WHERE doc_id IN (SELECT id FROM {ids})")
    _insert(con, "doc_stories", _stories_table(rows))
    con.execute("DELETE FROM stories_pending")
    written = {
        "docs": sorted(set(rewritten) | dropped),
        "stories": sorted(members | involved | {row[0] for row in rows}),
        "keys": sorted({*dropped_doc_nos.tolist(), *(d.doc_no for d in new)}),
    }
    return _finish(con), written


def _partials_sharing_excerpt_bands(con: duckdb.DuckDBPyConnection, index: StoryKeyIndex) -> list[str]:
    """The stored partial documents sharing an excerpt band with a full document of `story_dropped`."""
    keys = con.execute(
        "SELECT key FROM story_keys WHERE doc_no IN (SELECT doc_no FROM story_dropped WHERE NOT partial)"
        f" AND key & {BAND_MASK} < {EXCERPT_BANDS}"
    ).to_arrow_table()
    _, doc_nos = index.find(np.unique(keys.column(0).to_numpy() ^ PARTIAL_KEY_BIT))  # as partials store them
    found = pa.table({"doc_no": pa.array(np.unique(doc_nos), pa.uint32())})
    con.register("_story_found", found)
    try:
        rows = con.execute(
            "SELECT doc_id FROM story_docs WHERE partial AND doc_no IN (SELECT doc_no FROM _story_found)"
            " ORDER BY doc_id"
        ).fetchall()
    finally:
        con.unregister("_story_found")
    return [r[0] for r in rows]


def _place_reposts(places: _Placement, pending: set[str], followers: list[str]) -> None:
    """Leader clustering of the pending documents and of every stored document whose leader may
    change, in the documents' order; each placed against the leaders among its earlier band neighbours."""
    docs = places.docs
    heap = [(docs[d].order, d) for d in {*pending, *followers}]
    heapq.heapify(heap)
    waiting = {d for _, d in heap}
    while heap:
        _, doc_id = heapq.heappop(heap)
        if doc_id not in waiting:
            continue
        waiting.discard(doc_id)
        doc = docs[doc_id]
        if doc.repost_neighbours is None:  # looked up with every other waiting document: one query a round
            places.look_up_neighbours([doc_id, *(d for _, d in heap if docs[d].repost_neighbours is None)])
        led = doc_id not in pending and doc.leader is None  # it led a story before this pass
        earlier = sorted(
            (docs[n] for n in doc.repost_neighbours if docs[n].order < doc.order and docs[n].leader is None),
            key=lambda d: d.order,
        )
        doc.leader = None
        if earlier:
            j = (np.stack([d.signature for d in earlier]) == doc.signature).sum(axis=1) / NUM_PERM
            best = int(np.argmax(j))
            if j[best] >= JACCARD_THRESHOLD:
                doc.leader = (earlier[best].doc_id, float(j[best]))
        if doc.leader is None and not led:  # it starts a story: later neighbours may now join it
            later = [docs[n] for n in doc.repost_neighbours if docs[n].order > doc.order]
        elif doc.leader is not None and led:  # it no longer leads: its followers find another leader
            later = [docs[n] for n in doc.repost_neighbours if docs[n].leader and docs[n].leader[0] == doc_id]
        else:
            continue
        if later:
            j = (np.stack([d.signature for d in later]) == doc.signature).sum(axis=1) / NUM_PERM
            for other, value in zip(later, j.tolist(), strict=True):
                if value >= JACCARD_THRESHOLD and other.doc_id not in waiting:
                    waiting.add(other.doc_id)
                    heapq.heappush(heap, (other.order, other.doc_id))


def _likely_parts(places: _Placement, parts: list[str], whole: str) -> list[str]:
    """Those of `parts` for which `whole` is a likely source (its estimate worth an exact check): the
    others' sources cannot change when it comes."""
    if not parts:
        return []
    docs = [places.docs[d] for d in [*parts, whole]]
    signatures = np.stack([d.signature for d in docs])
    sizes = np.asarray([d.shingles for d in docs], dtype=np.float64)
    estimate = containment_estimates(signatures, sizes, np.arange(len(parts)), np.full(len(parts), len(parts)))
    return [p for p, e in zip(parts, estimate.tolist(), strict=True) if e >= CONTAINMENT_THRESHOLD - ESTIMATE_MARGIN]


def _place_excerpts(places: _Placement, parts: list[str]) -> None:
    """Choose the source of each of `parts` again among the full documents sharing its bands."""
    docs = places.docs
    places.look_up_neighbours(parts)
    pairs = [(p, w) for p in parts for w in docs[p].excerpt_neighbours if not docs[w].partial]
    for p in parts:
        docs[p].source = None
    if not pairs:
        return
    ordered = sorted({d for pair in pairs for d in pair}, key=lambda d: docs[d].order)
    at = {d: k for k, d in enumerate(ordered)}
    signatures = np.stack([docs[d].signature for d in ordered])
    sizes = np.asarray([docs[d].shingles for d in ordered], dtype=np.float64)
    part = np.asarray([at[p] for p, _ in pairs], dtype=np.int64)
    whole = np.asarray([at[w] for _, w in pairs], dtype=np.int64)
    order = np.lexsort((whole, part))
    chosen = likely_sources(part[order], whole[order], signatures, sizes)
    for a, b, value in best_sources(*chosen, ordered, _TextCache(places.con).exact):
        docs[ordered[a]].source = (ordered[b], float(value))


def _pending(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [r[0] for r in con.execute("SELECT DISTINCT doc_id FROM stories_pending ORDER BY doc_id").fetchall()]


def _docs_table(docs: list[_Doc]) -> pa.Table:
    return pa.table(
        {
            "doc_no": pa.array([d.doc_no for d in docs], pa.uint32()),
            "doc_id": pa.array([d.doc_id for d in docs], pa.string()),
            "published_us": pa.array([d.order[0] if d.order[0] != _NO_TIME else None for d in docs], pa.int64()),
            "partial": pa.array([d.partial for d in docs], pa.bool_()),
            "shingles": pa.array([d.shingles for d in docs], pa.int32()),
            "leader": pa.array([d.leader[0] if d.leader else None for d in docs], pa.string()),
            "similarity": pa.array([d.leader[1] if d.leader else None for d in docs], pa.float64()),
            "source": pa.array([d.source[0] if d.source else None for d in docs], pa.string()),
            "containment": pa.array([d.source[1] if d.source else None for d in docs], pa.float64()),
        }
    )


def _keys_table(signatures: np.ndarray, doc_nos: np.ndarray, partial: np.ndarray) -> pa.Table:
    """story_keys rows of these documents: every repost and excerpt band key, by document, as stored
    (`stored_keys`)."""
    keys = np.concatenate([repost_keys(signatures), excerpt_keys(signatures)], axis=1)
    kinds = np.repeat(np.asarray(partial, dtype=bool), keys.shape[1])
    return pa.table(
        {
            "key": pa.array(stored_keys(keys.ravel(), kinds), pa.uint32()),
            "doc_no": pa.array(np.repeat(doc_nos, keys.shape[1]), pa.uint32()),
        }
    )


def stored_keys(keys: np.ndarray, partial: np.ndarray) -> np.ndarray:
    """Band keys as `story_keys` holds them for documents of that kind (`partial`, one flag a key):
    excerpt keys of partial documents with `PARTIAL_KEY_BIT` flipped, the others as they are."""
    flip = np.asarray(partial, dtype=bool) & ~is_repost_key(keys)
    return np.where(flip, keys ^ PARTIAL_KEY_BIT, keys).astype(np.uint32)


def _stories_table(rows: list[tuple[str, str, float, str]]) -> pa.Table:
    columns = list(zip(*rows, strict=True)) if rows else [[], [], [], []]
    return pa.table(
        {
            "doc_id": pa.array(columns[0], pa.string()),
            "story_id": pa.array(columns[1], pa.string()),
            "similarity": pa.array(columns[2], pa.float64()),
            "relation": pa.array(columns[3], pa.string()),
        }
    )


def _insert(con: duckdb.DuckDBPyConnection, table: str, rows: pa.Table, create: bool = False) -> None:
    """Insert these rows into `table` (`create`: as a new temporary table of them, replacing any)."""
    if not rows.num_rows and not create:
        return
    con.register("_story_rows", rows)
    try:
        if create:
            con.execute(f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT * FROM _story_rows")
        else:
            con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM _story_rows")
    finally:
        con.unregister("_story_rows")


def _finish(con: duckdb.DuckDBPyConnection) -> int:
    """Record the parameters and the number of stories; returns it."""
    stories = con.execute("SELECT count(DISTINCT story_id) FROM doc_stories").fetchone()[0]
    con.execute("DELETE FROM stories_input")
    con.execute("INSERT INTO stories_input VALUES (?, ?)", [parameters_fingerprint(con), stories])
    return int(stories)


def _in_transaction(con: duckdb.DuckDBPyConnection, work) -> int:
    con.execute("BEGIN TRANSACTION")
    try:
        result = work()
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    return result


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
                rows = self.con.execute(  # the rows found by a scan of doc_id only, then fetched
                    f"SELECT doc_id, {_TEXT} FROM documents WHERE rowid IN"
                    f" (SELECT rowid FROM documents WHERE doc_id IN (SELECT id FROM {ids}))"
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
