"""Near-duplicate detection: MinHash signatures of character shingles, and exact similarity checks.

Every document gets a MinHash signature (datasketch) of its character 5-grams at ingest. After
loading, LSH over the stored signatures proposes candidate pairs and each candidate is checked
exactly on the shingle sets:

* **reposts with small edits**: Jaccard(A, B) ≥ `JACCARD_THRESHOLD` (0.6);
* **a listing snippet and its full article**: the snippet is a small part of the article, so
  Jaccard is tiny; what is high is *containment* |S ∩ A| / |S| ≥ `CONTAINMENT_THRESHOLD` (0.8),
  proposed by datasketch's LSH Ensemble (built for containment search).

Shingles are taken from the text with punctuation, spaces and case removed, so re-punctuated,
re-wrapped or `...`-truncated copies still match.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from datasketch import LeanMinHash, MinHash, MinHashLSH, MinHashLSHEnsemble

NUM_PERM = 128
SHINGLE = 5
JACCARD_THRESHOLD = 0.6
CONTAINMENT_THRESHOLD = 0.8
MIN_SHINGLES = 20  # shorter texts (a bare title) are too short to call anything a copy of them
_CHUNK = 4096
_NOT_WORD = re.compile(r"[\W_]+")
_SEED = 1
_SCHEME = "affine32"  # datasketch's hashing scheme; stored signatures are only comparable within one
_PERMUTATIONS = MinHash(num_perm=NUM_PERM, seed=_SEED, scheme=_SCHEME).permutations


def shingle_text(text: str) -> str:
    """The text shingles are cut from: letters, digits and CJK only, case-folded."""
    return _NOT_WORD.sub("", text.casefold())


def shingle_hashes(text: str) -> np.ndarray:
    """Distinct 32-bit hashes of the character `SHINGLE`-grams of `shingle_text(text)`."""
    codes = np.frombuffer(shingle_text(text).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    if len(codes) < SHINGLE:
        return np.zeros(0, dtype=np.uint64)
    h = np.zeros(len(codes) - SHINGLE + 1, dtype=np.uint64)
    for i in range(SHINGLE):  # FNV-style combine of the code points, then a murmur3 finalizer
        h = (h ^ codes[i : len(codes) - SHINGLE + 1 + i]) * np.uint64(0x100000001B3)
    h ^= h >> np.uint64(33)
    h *= np.uint64(0xFF51AFD7ED558CCD)
    h ^= h >> np.uint64(33)
    return np.unique(h & np.uint64(0xFFFFFFFF))


_A, _B = (np.asarray(p, dtype=np.uint32) for p in _PERMUTATIONS)


def _fmix32(h: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finalizer, as datasketch's affine32 scheme pre-mixes each input hash."""
    h = h ^ (h >> np.uint32(16))
    h = h * np.uint32(0x85EBCA6B)
    h = h ^ (h >> np.uint32(13))
    h = h * np.uint32(0xC2B2AE35)
    return h ^ (h >> np.uint32(16))


def minhash_of(hashes: np.ndarray) -> MinHash:
    """A datasketch MinHash (affine32 scheme) over precomputed 32-bit shingle hashes.

    Computes exactly what `MinHash.update_batch` does (fmix32, then a·h + b mod 2³² per permutation,
    then the minimum), vectorized over all hashes instead of calling a hash function per shingle;
    a test checks the two agree.
    """
    values = np.full(NUM_PERM, np.iinfo(np.uint32).max, dtype=np.uint32)
    mixed = _fmix32(hashes.astype(np.uint32))
    for start in range(0, len(mixed), _CHUNK):
        block = mixed[start : start + _CHUNK, None]
        values = np.minimum(values, (block * _A + _B).min(axis=0))
    return MinHash(num_perm=NUM_PERM, seed=_SEED, hashvalues=values, permutations=_PERMUTATIONS, scheme=_SCHEME)


@dataclass(frozen=True, slots=True)
class Signature:
    """A document's MinHash signature and its number of distinct shingles."""

    hashvalues: list[int]
    shingles: int


def signature(text: str) -> Signature:
    """The MinHash signature of a text (title + body)."""
    hashes = shingle_hashes(text)
    return Signature(minhash_of(hashes).hashvalues.astype(np.uint32).tolist(), len(hashes))


def jaccard(a: str, b: str) -> float:
    """Exact Jaccard similarity of two texts' shingle sets."""
    x, y = shingle_hashes(a), shingle_hashes(b)
    union = len(np.union1d(x, y))
    return len(np.intersect1d(x, y, assume_unique=True)) / union if union else 0.0


def containment(part: str, whole: str) -> float:
    """Exact share of `part`'s shingles that occur in `whole`."""
    x, y = shingle_hashes(part), shingle_hashes(whole)
    return len(np.intersect1d(x, y, assume_unique=True)) / len(x) if len(x) else 0.0


@dataclass(frozen=True, slots=True)
class SignedDoc:
    """What story search needs of a document: its signature, size, and whether it is partial
    (a listing snippet or summary, which may be an excerpt of a full article)."""

    doc_id: str
    minhash: Sequence[int]
    shingles: int
    partial: bool = False


@dataclass(frozen=True, slots=True)
class Match:
    """`a` is a near copy of `b` (`repost`), or a part of it (`excerpt`), with that similarity."""

    a: str
    b: str
    relation: str
    similarity: float


ESTIMATE_MARGIN = 0.3  # containment estimates of small sets are rough: this close or above is checked exactly
MAX_PROPOSALS = 256  # LSH Ensemble proposals read per excerpt (bounds the work on look-alike corpora)
EXACT_CHECKS_PER_DOC = 8  # at most this many full documents are checked as the source of one excerpt

# exact([(a, b), ...]) -> exact containment of a's shingles in b's, for each pair
ExactContainment = Callable[[list[tuple[str, str]]], list[float]]


def find_matches(docs: Iterable[SignedDoc], exact: ExactContainment) -> list[Match]:
    """Near-duplicate links, found in one pass over the documents in the order given (oldest first).

    **Reposts** — leader clustering: each document is compared (MinHashLSH, then the MinHash
    Jaccard estimate) with the *first* document of every story so far; it joins the most similar
    story whose first document it matches with Jaccard ≥ `JACCARD_THRESHOLD`, or starts a new story.
    Comparing with story leaders only keeps stories from drifting through chains of small edits
    and keeps the work near-linear even when many documents look alike.

    **Excerpts** — a partial document (snippet, summary) is linked to the full document that
    contains it best (LSH Ensemble proposes, the containment is then computed exactly by `exact`,
    called once with every pair), with containment ≥ `CONTAINMENT_THRESHOLD`.
    """
    kept = [d for d in docs if d.shingles >= MIN_SHINGLES]
    if len(kept) < 2:
        return []
    signatures = np.asarray([d.minhash for d in kept], dtype=np.uint32)
    sizes = np.asarray([d.shingles for d in kept], dtype=np.float64)
    lean = [LeanMinHash(seed=_SEED, hashvalues=row.astype(np.uint64), scheme=_SCHEME) for row in signatures]
    position = {d.doc_id: i for i, d in enumerate(kept)}
    matches: list[Match] = []

    leaders = MinHashLSH(threshold=JACCARD_THRESHOLD - 0.1, num_perm=NUM_PERM)
    for i, d in enumerate(kept):
        others = np.fromiter((position[o] for o in leaders.query(lean[i])), dtype=np.int64)
        if others.size:
            j = (signatures[others] == signatures[i]).mean(axis=1)
            best = int(np.argmax(j))
            if j[best] >= JACCARD_THRESHOLD:
                matches.append(Match(d.doc_id, kept[int(others[best])].doc_id, "repost", float(j[best])))
                continue
        leaders.insert(d.doc_id, lean[i])

    full = [(d.doc_id, lean[i], d.shingles) for i, d in enumerate(kept) if not d.partial]
    if not full or len(full) == len(kept):
        return matches
    ensemble = MinHashLSHEnsemble(threshold=CONTAINMENT_THRESHOLD - 0.2, num_perm=NUM_PERM, num_part=8)
    ensemble.index(full)
    proposals: list[tuple[int, int]] = []
    for i, d in enumerate(kept):
        if not d.partial:
            continue
        proposed = itertools.islice(ensemble.query(lean[i], d.shingles), MAX_PROPOSALS)
        others = np.fromiter((position[o] for o in proposed), dtype=np.int64)
        if not others.size:
            continue
        j = (signatures[others] == signatures[i]).mean(axis=1)
        estimate = j * (sizes[i] + sizes[others]) / ((1 + j) * sizes[i])
        likely = np.argsort(-estimate, kind="stable")[:EXACT_CHECKS_PER_DOC]
        proposals.extend((i, int(others[k])) for k in likely if estimate[k] >= CONTAINMENT_THRESHOLD - ESTIMATE_MARGIN)
    if not proposals:
        return matches
    checked = exact([(kept[i].doc_id, kept[o].doc_id) for i, o in proposals])
    best_source: dict[int, tuple[float, int]] = {}
    for (i, other), value in zip(proposals, checked, strict=True):
        if value >= CONTAINMENT_THRESHOLD and value > best_source.get(i, (0.0, -1))[0]:
            best_source[i] = (value, other)
    matches.extend(
        Match(kept[i].doc_id, kept[other].doc_id, "excerpt", value) for i, (value, other) in best_source.items()
    )
    return matches


def clusters(edges: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Connected components of the similarity edges: doc_id → the smallest doc_id of its component."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in edges:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return {x: find(x) for x in parent}
