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

import re
from collections.abc import Iterable, Sequence
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
class Candidate:
    """A pair LSH proposes: `a` may be a near copy of `b`, or (`contained`) a part of `b`."""

    a: str
    b: str
    contained: bool


def candidate_pairs(signatures: Iterable[tuple[str, Sequence[int], int]]) -> list[Candidate]:
    """Pairs of documents whose signatures suggest a near copy or a containment.

    `signatures` yields (doc_id, hashvalues, shingle count). Candidates still need an exact check
    (`jaccard`, `containment`); LSH is tuned to miss few true pairs, not to be exact.
    """
    entries = [
        (doc_id, LeanMinHash(seed=_SEED, hashvalues=np.asarray(values, dtype=np.uint64), scheme=_SCHEME), size)
        for doc_id, values, size in signatures
        if size >= MIN_SHINGLES
    ]
    if len(entries) < 2:
        return []
    pairs: dict[tuple[str, str], bool] = {}
    lsh = MinHashLSH(threshold=JACCARD_THRESHOLD - 0.1, num_perm=NUM_PERM)
    for doc_id, m, _ in entries:
        for other in lsh.query(m):
            pairs[tuple(sorted((doc_id, other)))] = False
        lsh.insert(doc_id, m)
    ensemble = MinHashLSHEnsemble(threshold=CONTAINMENT_THRESHOLD - 0.2, num_perm=NUM_PERM, num_part=8)
    ensemble.index(entries)
    contained: list[Candidate] = []
    for doc_id, m, size in entries:
        for other in ensemble.query(m, size):
            if other != doc_id:
                contained.append(Candidate(doc_id, other, True))
    return [Candidate(a, b, False) for a, b in pairs] + contained


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
