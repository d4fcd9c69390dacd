"""Near-duplicate detection: MinHash signatures of character shingles, and exact similarity checks.

Every document gets a MinHash signature (datasketch's scheme) of its character 5-grams at ingest.
After loading, LSH bandings of the stored signatures (`repost_keys`, `excerpt_keys`) propose candidate pairs and
each candidate is checked on the MinHash estimate or exactly on the shingle sets:

* **reposts with small edits**: Jaccard(A, B) ≥ `JACCARD_THRESHOLD` (0.6);
* **a listing snippet and its full article**: the snippet is a small part of the article, so
  Jaccard is tiny; what is high is *containment* |S ∩ A| / |S| ≥ `CONTAINMENT_THRESHOLD` (0.8),
  proposed by the same bands, ranked by the MinHash containment estimate, the best checked exactly.

Shingles are taken from the text with punctuation, spaces and case removed, so re-punctuated,
re-wrapped or `...`-truncated copies still match.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np

NUM_PERM = 128
SHINGLE = 5
JACCARD_THRESHOLD = 0.6
CONTAINMENT_THRESHOLD = 0.8
MIN_SHINGLES = 20  # shorter texts (a bare title) are too short to call anything a copy of them
_CHUNK = 16_384  # shingle hashes permuted at once (a block of 8 MiB; 4,096 was ~20 % slower)
BATCH_CHARS = 1_000_000  # texts signed together hold at most this many characters (bounds the arrays)
_NOT_WORD = re.compile(r"[\W_]+")
_SEED = 1
_SCHEME = "affine32"  # datasketch's hashing scheme; stored signatures are only comparable within one


def affine32_permutations(num_perm: int, seed: int) -> np.ndarray:
    """datasketch's `MinHash(num_perm=num_perm, seed=seed, scheme="affine32").permutations` (rows a
    and b: odd multipliers and offsets), drawn as datasketch draws them (a test checks both agree).

    Made here so that signing needs no datasketch: importing it pulls in scipy and redis, ~65 MiB
    and 0.4 s of CPU in every worker process, which only signs documents.
    """
    gen = np.random.RandomState(seed)
    a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    return np.array([a, b])


_PERMUTATIONS = affine32_permutations(NUM_PERM, _SEED)


def shingle_text(text: str) -> str:
    """The text shingles are cut from: letters, digits and CJK only, case-folded."""
    return _NOT_WORD.sub("", text.casefold())


def shingle_hashes_of_many(texts: Sequence[str]) -> list[np.ndarray]:
    """Distinct 32-bit hashes of the character `SHINGLE`-grams of `shingle_text(text)`, for each text
    (sorted uint32 arrays), hashed in one vectorized pass over all of them."""
    codes = [np.frombuffer(shingle_text(t).encode("utf-32-le"), dtype=np.uint32) for t in texts]
    windows = np.asarray([max(len(c) - SHINGLE + 1, 0) for c in codes], dtype=np.int64)
    if not windows.sum():
        return [np.zeros(0, dtype=np.uint32) for _ in texts]
    joined = np.concatenate(codes).astype(np.uint64)
    starts = np.concatenate([[0], np.cumsum([len(c) for c in codes])[:-1]]).astype(np.int64)
    # window starts of every text, skipping the last SHINGLE-1 positions of each (they cross into the next)
    first = np.repeat(starts - np.concatenate([[0], np.cumsum(windows)[:-1]]), windows) + np.arange(windows.sum())
    h = np.zeros(len(first), dtype=np.uint64)
    for i in range(SHINGLE):  # an FNV-style combine of the code points, then a murmur3 finalizer
        h = (h ^ joined[first + i]) * np.uint64(0x100000001B3)
    h ^= h >> np.uint64(33)
    h *= np.uint64(0xFF51AFD7ED558CCD)
    h ^= h >> np.uint64(33)
    owner = np.repeat(np.arange(len(texts), dtype=np.uint64), windows)
    keyed = sorted_unique((owner << np.uint64(32)) | (h & np.uint64(0xFFFFFFFF)))
    bounds = np.searchsorted(keyed >> np.uint64(32), np.arange(len(texts) + 1, dtype=np.uint64))
    values = keyed.astype(np.uint32)  # the low 32 bits: the hash
    return [values[bounds[k] : bounds[k + 1]] for k in range(len(texts))]


def sorted_unique(values: np.ndarray) -> np.ndarray:
    """`np.unique(values)` by sorting: numpy 2.4's hash-based `unique` is far slower on large integer arrays."""
    values = np.sort(values)
    if len(values) < 2:
        return values
    distinct = np.empty(len(values), dtype=bool)
    distinct[0] = True
    np.not_equal(values[1:], values[:-1], out=distinct[1:])
    return values[distinct]


_A, _B = (np.asarray(p, dtype=np.uint32) for p in _PERMUTATIONS)


def _fmix32(h: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finalizer, as datasketch's affine32 scheme pre-mixes each input hash."""
    h = h ^ (h >> np.uint32(16))
    h = h * np.uint32(0x85EBCA6B)
    h = h ^ (h >> np.uint32(13))
    h = h * np.uint32(0xC2B2AE35)
    return h ^ (h >> np.uint32(16))


@dataclass(frozen=True, slots=True)
class Signature:
    """A document's MinHash signature and its number of distinct shingles."""

    hashvalues: list[int]
    shingles: int


def signature(text: str) -> Signature:
    """The MinHash signature of a text (title + body)."""
    return signatures([text])[0]


def signatures(texts: Sequence[str]) -> list[Signature]:
    """The signatures of many texts, equal to `signature` of each, with a few numpy calls for a
    group of texts instead of a few per text (a dump's documents are signed together)."""
    values, counts = signature_rows(texts)
    return [Signature(row, count) for row, count in zip(values.tolist(), counts.tolist(), strict=True)]


def signature_rows(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """`signatures(texts)` as arrays: the MinHash values (uint32, a row of `NUM_PERM` per text) and
    each text's number of distinct shingles (int64), computed `BATCH_CHARS` characters at a time."""
    values, counts = [np.zeros((0, NUM_PERM), dtype=np.uint32)], [np.zeros(0, dtype=np.int64)]
    group: list[str] = []
    size = 0
    for text in [*texts, None]:
        if group and (text is None or size + len(text) > BATCH_CHARS):
            hashes, owners = _batch_shingle_hashes(group)
            values.append(_batch_minhash_values(hashes, owners, len(group)))
            counts.append(np.bincount(owners, minlength=len(group)))
            group, size = [], 0
        if text is not None:
            group.append(text)
            size += len(text)
    return np.concatenate(values), np.concatenate(counts).astype(np.int64)


def _batch_shingle_hashes(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """`shingle_hashes_of_many(texts)` concatenated (as uint64), and the index of the text each belongs to.

    The texts' code points are hashed as one array; windows that straddle two texts are dropped,
    then (text, hash) pairs are sorted and made distinct, so each text's part equals its own
    `shingle_hashes_of_many` part (a test checks both agree).
    """
    codes, lengths = _shingle_codes(texts)
    windows = len(codes) - SHINGLE + 1
    if windows <= 0:
        return np.zeros(0, dtype=np.uint64), np.zeros(0, dtype=np.int64)
    codes = codes.astype(np.uint64)
    h = np.zeros(windows, dtype=np.uint64)
    for i in range(SHINGLE):  # as in shingle_hashes_of_many
        h = (h ^ codes[i : windows + i]) * np.uint64(0x100000001B3)
    h ^= h >> np.uint64(33)
    h *= np.uint64(0xFF51AFD7ED558CCD)
    h ^= h >> np.uint64(33)
    h &= np.uint64(0xFFFFFFFF)
    h |= np.repeat(np.arange(len(texts), dtype=np.uint64), lengths)[:windows] << np.uint64(32)  # the text
    ends = np.cumsum(lengths)
    # a window starting in the last SHINGLE-1 characters of its text ends in the next one: not a shingle
    crossing = (ends[:, None] - np.arange(1, SHINGLE, dtype=np.int64)).ravel()
    inside = np.ones(windows, dtype=bool)
    inside[crossing[(crossing >= np.repeat(ends - lengths, SHINGLE - 1)) & (crossing < windows)]] = False
    keys = sorted_unique(h[inside])
    return keys & np.uint64(0xFFFFFFFF), (keys >> np.uint64(32)).astype(np.int64)


def _shingle_codes(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """The code points (uint32) of every text's `shingle_text`, one after the other, and how many
    each text has: the case-folded texts' code points, with those `_NOT_WORD` removes masked out by
    a table (one numpy step instead of a regex substitution per text)."""
    folded = [text.casefold() for text in texts]
    codes = np.frombuffer("".join(folded).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    kept = _is_word(codes)
    ends = np.cumsum(np.fromiter(map(len, folded), dtype=np.int64, count=len(folded)))
    kept_before = np.concatenate(([0], np.cumsum(kept)))
    return codes[kept], kept_before[ends] - kept_before[np.concatenate(([0], ends[:-1]))]


_BMP = 0x10000


def _is_word(codes: np.ndarray) -> np.ndarray:
    """Which code points `shingle_text` keeps (`_NOT_WORD` does not match them): looked up in a table
    of the Basic Multilingual Plane; the few code points above it asked of the regex one by one."""
    kept = _bmp_words()[np.minimum(codes, _BMP - 1)]
    above = codes >= _BMP
    if above.any():
        distinct = np.unique(codes[above])
        words = distinct[[not _NOT_WORD.match(chr(code)) for code in distinct.tolist()]]
        kept[above] = np.isin(codes[above], words)
    return kept


@cache
def _bmp_words() -> np.ndarray:
    """For each code point of the Basic Multilingual Plane, whether `_NOT_WORD` leaves it in a text."""
    table = np.ones(_BMP, dtype=bool)
    for run in _NOT_WORD.finditer("".join(map(chr, range(_BMP)))):
        table[run.start() : run.end()] = False
    return table


def _batch_minhash_values(hashes: np.ndarray, owners: np.ndarray, count: int) -> np.ndarray:
    """The MinHash values (uint32, datasketch's affine32 scheme) of each text's 32-bit shingle hashes
    (`owners`: the text of each hash, in order), one row a text.

    Computes exactly what `MinHash.update_batch` does (fmix32, then a·h + b mod 2³² per permutation,
    then the minimum), vectorized over all hashes instead of calling a hash function per shingle
    (a test checks the two agree).

    A chunk of hashes is permuted into a (permutation × hash) block, so that the minimum of each
    text's run of hashes is a `reduceat` along contiguous memory.
    """
    values = np.full((count, NUM_PERM), np.iinfo(np.uint32).max, dtype=np.uint32)
    mixed = _fmix32(hashes.astype(np.uint32))
    block = np.empty((NUM_PERM, min(len(mixed), _CHUNK)), dtype=np.uint32)
    for start in range(0, len(mixed), _CHUNK):
        chunk = mixed[start : start + _CHUNK]
        permuted = block[:, : len(chunk)]
        np.multiply(_A[:, None], chunk[None, :], out=permuted)
        np.add(permuted, _B[:, None], out=permuted)
        owner = owners[start : start + _CHUNK]
        first = np.flatnonzero(np.concatenate(([True], owner[1:] != owner[:-1])))
        rows = owner[first]
        values[rows] = np.minimum(values[rows], np.minimum.reduceat(permuted, first, axis=1).T)
    return values


def containments(parts: Sequence[np.ndarray], wholes: Sequence[np.ndarray], pairs: np.ndarray) -> np.ndarray:
    """Exact containment |P ∩ W| / |P| (0 for an empty P) for each row (part, whole) of `pairs`,
    indexes into `parts` and `wholes` (sorted arrays of distinct 32-bit shingle hashes), vectorized:
    every part's hashes, tagged with its pair's whole, are looked up in all the wholes' tagged hashes,
    `SHINGLES_AT_ONCE` part hashes at a time (bounds memory)."""
    pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    out = np.zeros(len(pairs), dtype=np.float64)
    part_sizes = np.asarray([len(p) for p in parts], dtype=np.int64)
    for within in _split_by_work(part_sizes[pairs[:, 0]], SHINGLES_AT_ONCE):
        out[within] = _containments(parts, wholes, pairs[within], part_sizes[pairs[within, 0]])
    return out


def _containments(
    parts: Sequence[np.ndarray], wholes: Sequence[np.ndarray], pairs: np.ndarray, lengths: np.ndarray
) -> np.ndarray:
    out = np.zeros(len(pairs), dtype=np.float64)
    whole_keys = _tagged(wholes, np.unique(pairs[:, 1]))  # sorted: by whole, then hash
    part_keys = _tagged(parts, pairs[:, 0], tags=pairs[:, 1])
    if not len(whole_keys) or not len(part_keys):
        return out
    found = _search_sorted(whole_keys, part_keys)
    hit = whole_keys[np.minimum(found, len(whole_keys) - 1)] == part_keys
    shared = np.bincount(np.repeat(np.arange(len(pairs)), lengths), weights=hit, minlength=len(pairs))
    return np.divide(shared, lengths, out=out, where=lengths > 0)


def _tagged(arrays: Sequence[np.ndarray], which: np.ndarray, tags: np.ndarray | None = None) -> np.ndarray:
    """arrays[which[0]], arrays[which[1]], … concatenated as uint64, each value tagged (in the high 32
    bits) with tags[k] (default: which[k])."""
    tags = which if tags is None else tags
    chosen = np.unique(which)
    flat = np.concatenate([arrays[k] for k in chosen.tolist()] or [np.zeros(0)]).astype(np.uint64)
    lengths = np.zeros(int(which.max()) + 1 if len(which) else 0, dtype=np.int64)
    lengths[chosen] = [len(arrays[k]) for k in chosen.tolist()]
    starts = np.zeros_like(lengths)
    starts[chosen] = np.cumsum(lengths[chosen]) - lengths[chosen]
    counts = lengths[which]
    total = int(counts.sum())
    positions = np.repeat(starts[which] - (np.cumsum(counts) - counts), counts) + np.arange(total)
    return (np.repeat(tags.astype(np.uint64), counts) << np.uint64(32)) | flat[positions]


@dataclass(frozen=True, slots=True)
class Match:
    """`a` is a near copy of `b` (`repost`), or a part of it (`excerpt`), with that similarity."""

    a: str
    b: str
    relation: str
    similarity: float


ESTIMATE_MARGIN = 0.3  # containment estimates of small sets are rough: this close or above is checked exactly
PAIRS_AT_ONCE = 1_000_000  # candidate pairs generated at once (bounds memory on look-alike corpora)
EXACT_CHECKS_PER_DOC = 8  # at most this many full documents are checked as the source of one excerpt
CHUNK_DOCS = 4096  # documents searched together (bounds the candidate pairs held at once)
EXACT_BATCH = 4096  # candidate pairs handed to `exact` at once (bounds the texts it holds)
SHINGLES_AT_ONCE = 4_000_000  # part shingles compared at once by `containments` (bounds its memory)

# The stories' LSH bandings, one 32-bit key a band: two documents are candidates when they share a
# key. Reposts: 25 bands of 5 MinHash values (datasketch's MinHashLSH banding for Jaccard 0.5: a
# pair at 0.6 shares a band with probability 0.86, at 0.7 with 0.99). Excerpts: 64 bands of 2 values
# (a snippet contained in an article 3.5 times its size, the bench corpus' median, has Jaccard ≈
# 0.29 and shares a band with probability 0.995; bands of 5 values would find it once in four).
# Both are stored (warehouse.stories' `story_keys` table), so a new document is placed by looking
# its keys up. Each key's low `_BAND_BITS` bits hold its band, so keys of two bands never match.
REPOST_BANDS, REPOST_ROWS = 25, 5
EXCERPT_BANDS, EXCERPT_ROWS = 64, 2
_BAND_BITS = 7
BAND_MASK = (1 << _BAND_BITS) - 1  # a key's band: its low bits
_REPOST_BAND_IDS = EXCERPT_BANDS  # repost bands are numbered after the excerpt bands

# Everything the links depend on besides the documents; bump ALGORITHM when the method changes, so
# stories stored by an earlier version are recomputed (warehouse.stories keeps them otherwise).
ALGORITHM = 2
PARAMETERS = repr(
    {
        "algorithm": ALGORITHM,
        "minhash": (NUM_PERM, SHINGLE, _SEED, _SCHEME, _NOT_WORD.pattern, MIN_SHINGLES),
        "thresholds": (JACCARD_THRESHOLD, CONTAINMENT_THRESHOLD, ESTIMATE_MARGIN),
        "bands": (REPOST_BANDS, REPOST_ROWS, EXCERPT_BANDS, EXCERPT_ROWS, _BAND_BITS),
        "limits": (EXACT_CHECKS_PER_DOC,),
    }
)

# exact([(a, b), ...]) -> exact containment of a's shingles in b's, for each pair
ExactContainment = Callable[[list[tuple[str, str]]], list[float]]


_MIX = np.uint64(0x9E3779B97F4A7C15)


def repost_keys(signatures: np.ndarray) -> np.ndarray:
    """The repost band keys of each signature: (documents, `REPOST_BANDS`) uint32."""
    return _numbered(band_keys(signatures, REPOST_ROWS, REPOST_BANDS), _REPOST_BAND_IDS)


def excerpt_keys(signatures: np.ndarray) -> np.ndarray:
    """The excerpt band keys of each signature: (documents, `EXCERPT_BANDS`) uint32."""
    return _numbered(band_keys(signatures, EXCERPT_ROWS, EXCERPT_BANDS), 0)


def band_of(keys: np.ndarray) -> np.ndarray:
    """The band number of `repost_keys` or `excerpt_keys` values (repost bands come after the excerpt ones)."""
    return keys & np.uint32(BAND_MASK)


def is_repost_key(keys: np.ndarray) -> np.ndarray:
    return band_of(keys) >= _REPOST_BAND_IDS


def _numbered(band_hashes: np.ndarray, first_band: int) -> np.ndarray:
    """64-bit band hashes as 32-bit keys: mixed with their band's number, which fills the low bits."""
    band = np.arange(first_band, first_band + band_hashes.shape[1], dtype=np.uint64)[None, :]
    h = (band_hashes ^ ((band + np.uint64(1)) * _MIX)) * _MIX
    h ^= h >> np.uint64(32)
    h *= _MIX
    h ^= h >> np.uint64(29)
    return ((h & np.uint64(0xFFFFFFFF ^ ((1 << _BAND_BITS) - 1))) | band).astype(np.uint32)


def band_keys(signatures: np.ndarray, rows: int, bands: int) -> np.ndarray:
    """One 64-bit key per LSH band (`rows` consecutive MinHash values) of each signature.

    Two signatures share a key exactly when they agree on all of the band's values (up to
    64-bit hash collisions when a band has more than two values).
    """
    values = signatures[:, : bands * rows].astype(np.uint64).reshape(len(signatures), bands, rows)
    if rows == 1:
        return values[:, :, 0].copy()
    if rows == 2:
        return (values[:, :, 0] << np.uint64(32)) | values[:, :, 1]
    h = np.zeros(values.shape[:2], dtype=np.uint64)
    for k in range(rows):
        h = (h ^ values[:, :, k]) * _MIX
        h ^= h >> np.uint64(29)
    return h


class _BandIndex:
    """Band keys of a growing set of documents, each band a sorted array searched with numpy.

    Each band also keeps, for every position, where its run of equal keys ends, so one binary
    search per query key finds all its matches.
    """

    def __init__(self, bands: int):
        self.keys = [np.zeros(0, dtype=np.uint64) for _ in range(bands)]
        self.ids = [np.zeros(0, dtype=np.int64) for _ in range(bands)]
        self.run_ends = [np.zeros(0, dtype=np.int64) for _ in range(bands)]

    def add(self, keys: np.ndarray, ids: np.ndarray) -> None:
        """Index documents: `keys` (documents × bands) and their ids."""
        for band in range(len(self.keys)):
            self._merge_band(band, keys[:, band], ids)

    def merge(self, other: _BandIndex) -> None:
        """Add every document of `other` (whose ids come after this index's)."""
        for band in range(len(self.keys)):
            self._merge_band(band, other.keys[band], other.ids[band])

    def _merge_band(self, band: int, keys: np.ndarray, ids: np.ndarray) -> None:
        merged_keys = np.concatenate([self.keys[band], keys])
        merged_ids = np.concatenate([self.ids[band], ids])
        order = np.argsort(merged_keys, kind="stable")  # sorted runs: a linear merge
        self.keys[band], self.ids[band] = merged_keys[order], merged_ids[order]
        self.run_ends[band] = _run_ends(self.keys[band])

    def lookup(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(first position, number of matches) in each band's sorted keys of each query key; both (queries, bands)."""
        first = np.empty(keys.shape, dtype=np.int64)
        counts = np.zeros(keys.shape, dtype=np.int64)
        for band in range(keys.shape[1]):
            indexed = self.keys[band]
            lo = _search_sorted(indexed, keys[:, band])
            first[:, band] = lo
            if not len(indexed):
                continue
            at = np.minimum(lo, len(indexed) - 1)
            found = indexed[at] == keys[:, band]
            counts[found, band] = self.run_ends[band][at[found]] - lo[found]
        return first, counts

    def pairs(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(query row, indexed id) for every query sharing a band key with an indexed document,
        deduplicated and sorted by query row, then id."""
        q, ids, _ = self.pairs_with_hits(keys)
        return q, ids

    def pairs_with_hits(
        self, keys: np.ndarray, found: tuple[np.ndarray, np.ndarray] | None = None
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """`pairs`, with the number of bands each pair shares (`found`: these keys' `lookup`, if known)."""
        first, counts = self.lookup(keys) if found is None else found
        rows, ids = [], []
        for band in range(keys.shape[1]):
            band_counts = counts[:, band]
            total = int(band_counts.sum())
            if not total:
                continue
            starts = np.repeat(first[:, band] - (np.cumsum(band_counts) - band_counts), band_counts)
            rows.append(np.repeat(np.arange(len(keys), dtype=np.int64), band_counts))
            ids.append(self.ids[band][starts + np.arange(total)])
        if not rows:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        width = np.int64(max(int(i.max()) for i in ids) + 1)
        pairs = _compact(np.concatenate(rows) * width + np.concatenate(ids), len(keys) * int(width))
        pairs.sort()
        starts = np.flatnonzero(np.concatenate([[True], pairs[1:] != pairs[:-1]]))
        hits = np.diff(np.append(starts, len(pairs)))
        pairs = pairs[starts]
        return (pairs // width).astype(np.int64), (pairs % width).astype(np.int64), hits


def _compact(values: np.ndarray, bound: int) -> np.ndarray:
    """Non-negative int64 values below `bound` as int32 when they fit (sorting them takes half the time)."""
    return values.astype(np.int32) if bound <= np.iinfo(np.int32).max else values


def _search_sorted(indexed: np.ndarray, queries: np.ndarray) -> np.ndarray:
    """`np.searchsorted(indexed, queries, side="left")`, the queries looked up in sorted order (each
    search then starts from the last one's place: ~2x faster on large indexes)."""
    order = np.argsort(queries)
    found = np.empty(len(queries), dtype=np.int64)
    found[order] = np.searchsorted(indexed, queries[order], side="left")
    return found


def _run_ends(sorted_keys: np.ndarray) -> np.ndarray:
    """For each position of a sorted array, the position just past its run of equal values."""
    if not len(sorted_keys):
        return np.zeros(0, dtype=np.int64)
    ends = np.append(np.flatnonzero(sorted_keys[1:] != sorted_keys[:-1]) + 1, len(sorted_keys))
    return np.repeat(ends, np.diff(np.concatenate([[0], ends])))


def _agreement(signatures: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """MinHash Jaccard estimates of the pairs (a[k], b[k]), computed in chunks small enough to stay
    in the CPU cache (about 3x faster than chunks of 65536 rows)."""
    out = np.empty(len(a), dtype=np.float64)
    for start in range(0, len(a), 4096):
        end = start + 4096
        out[start:end] = np.count_nonzero(signatures[a[start:end]] == signatures[b[start:end]], axis=1)
    out /= signatures.shape[1]
    return out


def find_signed_matches(
    doc_ids: Sequence[str], signatures: np.ndarray, sizes: np.ndarray, partial: np.ndarray, exact: ExactContainment
) -> list[Match]:
    """Near-duplicate links among documents given oldest first as parallel arrays (one signature row,
    shingle count and partial flag per document); documents under `MIN_SHINGLES` are ignored.

    **Reposts** — leader clustering in that order: each document is compared (sharing a
    `repost_keys` band, then the MinHash Jaccard estimate) with the *first* document of every story
    so far; it joins the story whose first document it matches best with Jaccard ≥
    `JACCARD_THRESHOLD` (the earliest one on a tie), or starts a new story. Comparing with story
    leaders only keeps stories from drifting through chains of small edits and keeps the work
    near-linear. The order is the documents' own (publication time, then doc_id), so the links are
    a function of the set of documents, however they arrived.

    **Excerpts** — a partial document (snippet, summary) is linked to the full document that
    contains it best: the full documents sharing an `excerpt_keys` band with it are ranked by their MinHash
    containment estimate (`containment_estimates`), the `EXACT_CHECKS_PER_DOC` best (the oldest on
    a tie) are checked exactly by `exact` (called in batches), and containment ≥
    `CONTAINMENT_THRESHOLD` links them (the best; on a tie, the better estimate, then the oldest).
    Each excerpt's source depends only on the full documents sharing a band with it.

    The signatures are held as one compact uint32 matrix and the LSH buckets as sorted numpy
    arrays, so memory grows by a few hundred bytes per document, not by Python objects per band.
    """
    keep = np.flatnonzero(np.asarray(sizes) >= MIN_SHINGLES)
    if len(keep) < 2:
        return []
    ids = [doc_ids[k] for k in keep]
    signatures = np.ascontiguousarray(signatures[keep], dtype=np.uint32)
    sizes = np.asarray(sizes, dtype=np.float64)[keep]
    partial = np.asarray(partial, dtype=bool)[keep]
    matches = [Match(ids[a], ids[b], "repost", j) for a, b, j in _reposts(signatures)]
    matches.extend(Match(ids[a], ids[b], "excerpt", c) for a, b, c in _excerpts(ids, signatures, sizes, partial, exact))
    return matches


class _GrowingBandIndex:
    """A `_BandIndex` that documents are added to chunk after chunk, with increasing ids.

    Merging each chunk into one sorted index copies the whole index every time (quadratic in the
    number of leaders); here a chunk joins a small `recent` index, which is merged into `main` only
    once it holds a quarter of main's documents. `pairs` answers as one index would.
    """

    def __init__(self, bands: int):
        self.bands = bands
        self.main, self.recent = _BandIndex(bands), _BandIndex(bands)
        self.sizes = [0, 0]  # documents in main, in recent

    def add(self, keys: np.ndarray, ids: np.ndarray) -> None:
        self.recent.add(keys, ids)
        self.sizes[1] += len(ids)
        if 4 * self.sizes[1] >= self.sizes[0]:
            self.main.merge(self.recent)
            self.recent = _BandIndex(self.bands)
            self.sizes = [self.sizes[0] + self.sizes[1], 0]

    def pairs(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(query row, indexed id) pairs sorted by query row, then id (recent ids exceed main's)."""
        q, ids = self.main.pairs(keys)
        if not self.sizes[1]:
            return q, ids
        recent_q, recent_ids = self.recent.pairs(keys)
        q, ids = np.concatenate([q, recent_q]), np.concatenate([ids, recent_ids])
        order = np.argsort(q, kind="stable")  # two sorted runs: a linear merge
        return q[order], ids[order]


def _reposts(signatures: np.ndarray) -> list[tuple[int, int, float]]:
    bands = REPOST_BANDS
    leaders = _GrowingBandIndex(bands)
    found: list[tuple[int, int, float]] = []
    for start in range(0, len(signatures), CHUNK_DOCS):
        chunk = np.arange(start, min(start + CHUNK_DOCS, len(signatures)))
        keys = repost_keys(signatures[chunk])
        # the best leader among earlier chunks' leaders, for every document of this chunk at once
        query, leader = leaders.pairs(keys)
        best_j, best_lead = _best_leaders(query, leader, _agreement(signatures, chunk[query], leader), len(chunk))
        # then in order through the chunk, against the leaders it has started itself: only pairs of
        # the chunk that share a band and agree enough can link (found at once; usually few)
        local = _BandIndex(bands)
        local.add(keys, np.arange(len(chunk)))
        q, earlier = local.pairs(keys)
        q, earlier = q[earlier < q], earlier[earlier < q]
        j = _agreement(signatures, chunk[q], chunk[earlier])
        strong = j >= JACCARD_THRESHOLD
        q, earlier, j = q[strong], earlier[strong], j[strong]
        bounds = np.searchsorted(q, np.arange(len(chunk) + 1))
        for doc in np.unique(q).tolist():
            within = slice(bounds[doc], bounds[doc + 1])
            for lead, value in zip(earlier[within].tolist(), j[within].tolist(), strict=True):  # by lead: oldest first
                if best_lead[lead] < 0 and value > best_j[doc]:  # a leader of the chunk, more similar
                    best_j[doc], best_lead[doc] = value, chunk[lead]
        joined = np.flatnonzero(best_lead >= 0)
        found.extend(zip(chunk[joined].tolist(), best_lead[joined].tolist(), best_j[joined].tolist(), strict=True))
        new_leaders = np.flatnonzero(best_lead < 0)
        if len(new_leaders):
            leaders.add(keys[new_leaders], chunk[new_leaders])
    return found


def _best_leaders(
    query: np.ndarray, leader: np.ndarray, estimate: np.ndarray, queries: int
) -> tuple[np.ndarray, np.ndarray]:
    """For each query 0..queries-1, the highest estimate ≥ `JACCARD_THRESHOLD` among its pairs
    (sorted by query, then leader: the earliest leader wins a tie) and that leader; 0.0 and -1 if none."""
    best_j = np.zeros(queries, dtype=np.float64)
    best_lead = np.full(queries, -1, dtype=np.int64)
    strong = estimate >= JACCARD_THRESHOLD
    query, leader, estimate = query[strong], leader[strong], estimate[strong]
    if len(query):
        starts = np.flatnonzero(np.concatenate([[True], query[1:] != query[:-1]]))
        top = np.repeat(np.maximum.reduceat(estimate, starts), np.diff(np.append(starts, len(query))))
        at_top = np.flatnonzero(estimate == top)
        first = at_top[np.concatenate([[True], query[at_top][1:] != query[at_top][:-1]])]
        best_j[query[first]], best_lead[query[first]] = estimate[first], leader[first]
    return best_j, best_lead


def repeated_in_columns(values: np.ndarray) -> np.ndarray:
    """Whether each element of a 2-D array occurs again elsewhere in its column."""
    out = np.zeros(values.shape, dtype=bool)
    for column in range(values.shape[1]):
        order = np.argsort(values[:, column], kind="stable")
        ordered = values[order, column]
        same = ordered[1:] == ordered[:-1]
        out[order, column] = np.concatenate([same, [False]]) | np.concatenate([[False], same])
    return out


def _excerpts(
    ids: list[str], signatures: np.ndarray, sizes: np.ndarray, partial: np.ndarray, exact: ExactContainment
) -> list[tuple[int, int, float]]:
    full = np.flatnonzero(~partial)
    parts = np.flatnonzero(partial)
    if not len(full) or not len(parts):
        return []
    index = _BandIndex(EXCERPT_BANDS)
    index.add(excerpt_keys(signatures[full]), full)
    proposed: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    for start in range(0, len(parts), CHUNK_DOCS):
        chunk = parts[start : start + CHUNK_DOCS]
        keys = excerpt_keys(signatures[chunk])
        first, counts = index.lookup(keys)
        for within in _split_by_work(counts.sum(axis=1)):
            q, other, _ = index.pairs_with_hits(keys[within], (first[within], counts[within]))
            proposed.append(likely_sources(chunk[within][q], other, signatures, sizes))
    if not proposed:
        return []
    part, other, estimate = (np.concatenate(column) for column in zip(*proposed, strict=True))
    return best_sources(*_best_per_query(part, other, estimate), ids, exact)


def containment_estimates(signatures: np.ndarray, sizes: np.ndarray, part: np.ndarray, whole: np.ndarray) -> np.ndarray:
    """MinHash estimates of |P ∩ W| / |P| for the pairs (part[k], whole[k]), from their Jaccard
    estimate and shingle counts."""
    j = _agreement(signatures, part, whole)
    return j * (sizes[part] + sizes[whole]) / ((1 + j) * sizes[part])


def likely_sources(
    part: np.ndarray, whole: np.ndarray, signatures: np.ndarray, sizes: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The candidate (part, whole) pairs worth an exact check (estimate within `ESTIMATE_MARGIN` of
    the threshold or above), at most `EXACT_CHECKS_PER_DOC` a part: sorted by part, best first."""
    estimate = containment_estimates(signatures, sizes, part, whole)
    likely = estimate >= CONTAINMENT_THRESHOLD - ESTIMATE_MARGIN
    return _best_per_query(part[likely], whole[likely], estimate[likely])


def best_sources(
    part: np.ndarray, whole: np.ndarray, _estimate: np.ndarray, ids: Sequence[str], exact: ExactContainment
) -> list[tuple[int, int, float]]:
    """(part, whole, containment) of each part's best source among its `likely_sources` (given in
    that order: best estimate first, then the oldest), checked exactly: the highest containment ≥
    `CONTAINMENT_THRESHOLD`, the first of them on a tie. Each part's first candidate is checked
    first: when it contains the part whole (1.0, which nothing after it can beat), the others are not."""
    values = np.zeros(len(part), dtype=np.float64)
    first = rank_in_runs(part) == 0
    _check(np.flatnonzero(first), part, whole, ids, exact, values)
    settled = np.unique(part[first & (values >= 1.0)])
    _check(np.flatnonzero(~first & ~np.isin(part, settled)), part, whole, ids, exact, values)
    best: dict[int, tuple[float, int]] = {}
    for a, b, value in zip(part.tolist(), whole.tolist(), values.tolist(), strict=True):
        if value >= CONTAINMENT_THRESHOLD and value > best.get(a, (0.0, -1))[0]:
            best[a] = (value, b)
    return [(a, b, value) for a, (value, b) in sorted(best.items())]


def _check(
    which: np.ndarray, part: np.ndarray, whole: np.ndarray, ids: Sequence[str], exact: ExactContainment, out: np.ndarray
) -> None:
    """Exact containments of the pairs at positions `which`, into `out`, `EXACT_BATCH` pairs at a time."""
    for start in range(0, len(which), EXACT_BATCH):
        at = which[start : start + EXACT_BATCH]
        out[at] = exact([(ids[a], ids[b]) for a, b in zip(part[at].tolist(), whole[at].tolist(), strict=True)])


def _split_by_work(counts: np.ndarray, at_once: int | None = None) -> Iterator[np.ndarray]:
    """Positions of consecutive items whose counts add up to at most `at_once` (default `PAIRS_AT_ONCE`;
    one item at least)."""
    at_once = PAIRS_AT_ONCE if at_once is None else at_once
    start = 0
    while start < len(counts):
        total = np.cumsum(counts[start:])
        end = start + max(1, int(np.searchsorted(total, at_once, side="right")))
        yield np.arange(start, end)
        start = end


def _best_per_query(
    q: np.ndarray, other: np.ndarray, estimate: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The `EXACT_CHECKS_PER_DOC` best-estimated candidates of each query (ties: the oldest document),
    sorted by query, then best first."""
    order = np.lexsort((other, -estimate, q))
    q, other, estimate = q[order], other[order], estimate[order]
    top = rank_in_runs(q) < EXACT_CHECKS_PER_DOC
    return q[top], other[top], estimate[top]


def rank_in_runs(values: np.ndarray) -> np.ndarray:
    """Each element's position within its run of equal consecutive values (0 for a run's first)."""
    if not len(values):
        return np.zeros(0, dtype=np.int64)
    starts = np.flatnonzero(np.concatenate([[True], values[1:] != values[:-1]]))
    lengths = np.diff(np.append(starts, len(values)))
    return np.arange(len(values)) - np.repeat(starts, lengths)


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
