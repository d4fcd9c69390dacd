"""Near-duplicates: edited reposts and snippets of full articles are found; different articles are not.

The thresholds (Jaccard ≥ 0.6 of character 5-gram sets for reposts, containment ≥ 0.8 for a
snippet in its article) are checked here on made-up edited copies of generated articles, and
against pairs of different generated articles.
"""

import itertools
import random
import subprocess
import sys

import numpy as np
from zhnews.transforms.neardup import (
    CONTAINMENT_THRESHOLD,
    JACCARD_THRESHOLD,
    NUM_PERM,
    clusters,
    find_signed_matches,
    shingle_hashes_of_many,
    signature,
    signatures,
)

from bench.synth import Writer


def jaccard(a, b):
    """Exact Jaccard similarity of two texts' shingle sets: the yardstick the thresholds are set on."""
    x, y = shingle_hashes_of_many([a, b])
    union = len(np.union1d(x, y))
    return len(np.intersect1d(x, y, assume_unique=True)) / union if union else 0.0


def containment(part, whole):
    """Exact share of `part`'s shingles that occur in `whole`."""
    x, y = shingle_hashes_of_many([part, whole])
    return len(np.intersect1d(x, y, assume_unique=True)) / len(x) if len(x) else 0.0


def signed(texts, partial=()):
    """The arrays `find_signed_matches` takes, for texts given oldest first ({id: text}); `partial`: the
    ids of snippets."""
    sigs = signatures(list(texts.values()))
    return (
        list(texts),
        np.asarray([s.hashvalues for s in sigs], dtype=np.uint32).reshape(len(sigs), NUM_PERM),
        np.asarray([s.shingles for s in sigs], dtype=np.int64),
        np.asarray([doc_id in partial for doc_id in texts], dtype=bool),
    )


def find_matches(texts, exact, partial=()):
    return find_signed_matches(*signed(texts, partial), exact)


def article(writer, paragraphs=6):
    return "\n".join(writer.paragraph(4) for _ in range(paragraphs))


def lightly_edited(text, rng):
    """A repost: punctuation changed, two phrases reworded, a paragraph cut, an editor's line added."""
    paragraphs = text.split("\n")
    del paragraphs[rng.randrange(len(paragraphs))]
    edited = "\n".join(paragraphs).replace("，", ", ").replace("。", "。 ", 5)
    edited = edited.replace("发布", "公布", 1).replace("有关部门", "相关部门", 1)
    return "（转载）" + edited + "\n责任编辑：王小明"


def heavily_rewritten(text, writer):
    """Another article on the same subject: every other paragraph replaced."""
    paragraphs = text.split("\n")
    return "\n".join(p if i % 2 else writer.paragraph(4) for i, p in enumerate(paragraphs))


def listing_snippet(text, chars=150):
    return text.replace("\n", " ")[:chars] + " ..."


def test_a_repost_with_small_edits_is_a_near_duplicate():
    writer, rng = Writer(seed=11), random.Random(11)
    for _ in range(20):
        original = article(writer)
        copy = lightly_edited(original, rng)
        assert jaccard(original, copy) >= JACCARD_THRESHOLD


def test_a_listing_snippet_is_contained_in_its_article_but_not_similar_by_jaccard():
    writer = Writer(seed=12)
    for _ in range(20):
        original = article(writer)
        snippet = listing_snippet(original)
        assert containment(snippet, original) >= CONTAINMENT_THRESHOLD
        assert jaccard(snippet, original) < JACCARD_THRESHOLD


def test_different_articles_stay_apart_even_with_shared_stock_phrases():
    writer = Writer(seed=13)
    texts = [article(writer) for _ in range(25)]
    worst_jaccard = max(jaccard(a, b) for a, b in itertools.combinations(texts, 2))
    worst_containment = max(containment(listing_snippet(a), b) for a, b in itertools.permutations(texts, 2))
    assert worst_jaccard < JACCARD_THRESHOLD - 0.1
    assert worst_containment < CONTAINMENT_THRESHOLD


def test_a_heavily_rewritten_article_is_not_a_repost():
    writer = Writer(seed=14)
    original = article(writer)
    assert jaccard(original, heavily_rewritten(original, writer)) < JACCARD_THRESHOLD


def test_reposts_join_their_original_and_snippets_the_article_they_come_from():
    writer, rng = Writer(seed=15), random.Random(15)
    originals = {f"a{i:02}": article(writer) for i in range(30)}
    texts = dict(originals)
    texts.update({f"r{i:02}": lightly_edited(originals[f"a{i:02}"], rng) for i in range(10)})
    texts.update({f"s{i:02}": listing_snippet(originals[f"a{i:02}"]) for i in range(10, 20)})
    snippets = {doc_id for doc_id in texts if doc_id.startswith("s")}  # originals first: the order stands for time

    def exact(pairs):
        return [containment(texts[a], texts[b]) for a, b in pairs]

    links = {(m.a, m.b, m.relation) for m in find_matches(texts, exact, snippets)}
    expected = {(f"r{i:02}", f"a{i:02}", "repost") for i in range(10)}
    expected |= {(f"s{i:02}", f"a{i:02}", "excerpt") for i in range(10, 20)}
    assert links == expected


def test_a_chain_of_small_edits_does_not_drift_into_one_story():
    """Each copy is close to the previous one, but the last is far from the first."""
    writer = Writer(seed=17)
    paragraphs = [writer.paragraph(4) for _ in range(8)]
    versions = []
    for step in range(8):  # every step replaces one more paragraph
        paragraphs[step] = writer.paragraph(4)
        versions.append("\n".join(paragraphs))
    links = find_matches({f"v{i}": t for i, t in enumerate(versions)}, lambda pairs: [0.0] * len(pairs))
    leaders = {m.b for m in links}
    assert all(jaccard(versions[int(m.a[1:])], versions[int(m.b[1:])]) >= JACCARD_THRESHOLD - 0.1 for m in links)
    assert len(leaders) >= 2  # not everything hangs off v0


def test_signatures_have_128_values_and_count_distinct_shingles():
    sig = signature("北约秘书长吕特与高市早苗通话。" * 3)
    assert len(sig.hashvalues) == 128 and all(0 <= v < 2**32 for v in sig.hashvalues)
    assert sig.shingles == 10 + 4  # 10 in one copy, 4 across a seam (…通话北约, 话北约秘…); repeats add none


def test_clusters_are_connected_components_named_by_their_smallest_member():
    groups = clusters([("b", "c"), ("c", "d"), ("x", "y")])
    assert groups == {"b": "b", "c": "b", "d": "b", "x": "x", "y": "x"}


def test_the_permutations_are_the_ones_datasketch_draws_for_its_affine32_scheme():
    from datasketch import MinHash
    from zhnews.transforms.neardup import _PERMUTATIONS, affine32_permutations

    for num_perm, seed in ((128, 1), (16, 42)):
        theirs = MinHash(num_perm=num_perm, seed=seed, scheme="affine32").permutations
        ours = affine32_permutations(num_perm, seed)
        assert ours.dtype == theirs.dtype and ours.tolist() == theirs.tolist()
    assert _PERMUTATIONS.tolist() == MinHash(num_perm=128, seed=1, scheme="affine32").permutations.tolist()


def test_signing_documents_does_not_import_datasketch():
    code = "import sys, zhnews.flows.batches, zhnews.warehouse.stories; print('datasketch' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout == "False\n"


def test_the_vectorized_minhash_equals_datasketch_update_batch(monkeypatch):
    from datasketch import MinHash
    from zhnews.transforms import neardup
    from zhnews.transforms.neardup import _PERMUTATIONS

    from tests.conftest import SAMPLES

    text = "".join(p.read_text(encoding="utf-8") for p in sorted(SAMPLES.glob("*.txt")))
    (hashes,) = shingle_hashes_of_many([text])
    reference = MinHash(num_perm=128, seed=1, hashfunc=int, permutations=_PERMUTATIONS, scheme="affine32")
    reference.update_batch(hashes.tolist())
    for chunk in (neardup._CHUNK, 4096, 1000):
        monkeypatch.setattr(neardup, "_CHUNK", chunk)
        assert len(hashes) > 4096  # more than one chunk of the smaller sizes
        assert signature(text).hashvalues == reference.hashvalues.tolist()


def _mixed_corpus(seed, originals=40):
    """Articles, edited reposts of some, listing snippets of others, oldest first."""
    writer, rng = Writer(seed=seed), random.Random(seed)
    texts = {}
    for i in range(originals):
        # four paragraphs at least: cutting one of three would be a third of the text, not a light edit
        texts[f"a{i:02}"] = article(writer, paragraphs=rng.randint(4, 7))
        if i % 3 == 0:
            texts[f"r{i:02}"] = lightly_edited(texts[f"a{i:02}"], rng)
        if i % 3 == 1:
            texts[f"s{i:02}"] = listing_snippet(texts[f"a{i:02}"], rng.choice([100, 150, 300]))
    return texts, {k for k in texts if k.startswith("s")}


def test_results_do_not_depend_on_how_the_work_is_chunked(monkeypatch):
    """Documents are searched in chunks and candidate pairs scored in batches to bound memory;
    the links found must be the same whatever the chunk and batch sizes."""
    import zhnews.transforms.neardup as neardup

    texts, snippets = _mixed_corpus(seed=21)

    def exact(pairs):
        return [containment(texts[a], texts[b]) for a, b in pairs]

    whole = {(m.a, m.b, m.relation, m.similarity) for m in find_matches(texts, exact, snippets)}
    monkeypatch.setattr(neardup, "CHUNK_DOCS", 3)
    monkeypatch.setattr(neardup, "PAIRS_AT_ONCE", 1)
    monkeypatch.setattr(neardup, "EXACT_BATCH", 2)
    chunked = {(m.a, m.b, m.relation, m.similarity) for m in find_matches(texts, exact, snippets)}
    assert chunked == whole
    assert {r for _, _, r, _ in whole} == {"repost", "excerpt"}
    assert {(a, b) for a, b, r, _ in whole if r == "repost"} >= {(f"r{i:02}", f"a{i:02}") for i in range(0, 40, 3)}


def test_repost_candidates_are_the_ones_datasketch_minhashlsh_proposes():
    """The compact numpy band index of `repost_keys` finds exactly the documents datasketch's
    MinHashLSH would (its banding for Jaccard 0.5)."""
    import numpy as np
    from datasketch import LeanMinHash, MinHashLSH
    from zhnews.transforms.neardup import REPOST_BANDS, REPOST_ROWS, _BandIndex, repost_keys

    texts, _ = _mixed_corpus(seed=22)
    _, signatures, _, _ = signed(texts)
    lsh = MinHashLSH(threshold=JACCARD_THRESHOLD - 0.1, num_perm=128)
    for i, row in enumerate(signatures[:30]):
        lsh.insert(i, LeanMinHash(seed=1, hashvalues=row.astype(np.uint64), scheme="affine32"))
    assert (lsh.b, lsh.r) == (REPOST_BANDS, REPOST_ROWS)
    index = _BandIndex(REPOST_BANDS)
    index.add(repost_keys(signatures[:30]), np.arange(30))
    rows, found = index.pairs(repost_keys(signatures))
    ours = {(int(q), int(o)) for q, o in zip(rows, found, strict=True)}
    theirs = {
        (q, o)
        for q, row in enumerate(signatures)
        for o in lsh.query(LeanMinHash(seed=1, hashvalues=row.astype(np.uint64), scheme="affine32"))
    }
    assert ours == theirs
    assert any(q != o for q, o in ours)  # reposts are found, not only each document itself


def test_many_texts_are_shingled_exactly_as_one_at_a_time():
    from zhnews.transforms.neardup import _batch_shingle_hashes

    writer = Writer(seed=31)
    texts = [article(writer, paragraphs=n % 4) for n in range(12)] + [
        "",
        "短",
        "四个字符",
        "五个字符了",
        "，。！？ ...",
    ]
    together = shingle_hashes_of_many(texts)
    assert [h.tolist() for h in together] == [shingle_hashes_of_many([t])[0].tolist() for t in texts]
    assert shingle_hashes_of_many(["", "abc"])[1].tolist() == []
    hashes, owners = _batch_shingle_hashes(texts)  # what signatures are computed from: the same sets
    assert [hashes[owners == i].tolist() for i in range(len(texts))] == [h.tolist() for h in together]


def test_batched_containment_equals_containment_of_each_pair(monkeypatch):
    """Also when the pairs are compared a few shingles at a time (memory bound)."""
    import numpy as np
    import zhnews.transforms.neardup as neardup
    from zhnews.transforms.neardup import containments, shingle_hashes_of_many

    writer = Writer(seed=32)
    wholes = [article(writer) for _ in range(6)] + [""]
    parts = [listing_snippet(w, 60 + 40 * i) for i, w in enumerate(wholes)] + [writer.sentence(), ""]
    pairs = np.asarray([(p, w) for p in range(len(parts)) for w in range(len(wholes))])
    got = containments(shingle_hashes_of_many(parts), shingle_hashes_of_many(wholes), pairs)
    assert got.tolist() == [containment(parts[p], wholes[w]) for p, w in pairs.tolist()]
    assert sum(c >= CONTAINMENT_THRESHOLD for c in got) >= 6  # each snippet is found in its article
    monkeypatch.setattr(neardup, "SHINGLES_AT_ONCE", 50)
    assert containments(shingle_hashes_of_many(parts), shingle_hashes_of_many(wholes), pairs).tolist() == got.tolist()
    assert containments([], [], np.zeros((0, 2))).tolist() == []


def test_band_index_lookup_counts_every_matching_key():
    import numpy as np
    from zhnews.transforms.neardup import _BandIndex

    indexed = np.array([[1, 7], [2, 7], [1, 8], [3, 9]], dtype=np.uint64)
    index = _BandIndex(2)
    index.add(indexed, np.array([10, 11, 12, 13]))
    queries = np.array([[1, 7], [4, 9], [5, 5]], dtype=np.uint64)
    _, counts = index.lookup(queries)
    assert counts.tolist() == [[2, 2], [0, 1], [0, 0]]
    q, ids, hits = index.pairs_with_hits(queries)
    assert list(zip(q.tolist(), ids.tolist(), hits.tolist(), strict=True)) == [
        (0, 10, 2),
        (0, 11, 1),
        (0, 12, 1),
        (1, 13, 1),
    ]


def test_an_index_grown_chunk_by_chunk_pairs_queries_as_one_built_at_once():
    """The repost pass adds leaders chunk after chunk to a small recent index merged into the main
    one now and then; its pairs (sorted by query, then id) are those of a single index."""
    import numpy as np
    from zhnews.transforms.neardup import _BandIndex, _GrowingBandIndex

    rng = np.random.default_rng(5)
    keys = rng.integers(0, 40, size=(300, 4)).astype(np.uint64)  # few values: many shared keys
    grown, whole = _GrowingBandIndex(4), _BandIndex(4)
    whole.add(keys, np.arange(300))
    merges = 0
    for start in range(0, 300, 7):
        grown.add(keys[start : start + 7], np.arange(start, min(start + 7, 300)))
        merges += grown.sizes[1] == 0
    queries = rng.integers(0, 40, size=(50, 4)).astype(np.uint64)
    got, expected = grown.pairs(queries), whole.pairs(queries)
    assert merges > 3 and grown.sizes[1] > 0  # both indexes answer at the end
    assert got[0].tolist() == expected[0].tolist() and got[1].tolist() == expected[1].tolist()


def test_sorted_search_finds_what_numpy_searchsorted_finds():
    import numpy as np
    from zhnews.transforms.neardup import _search_sorted

    rng = np.random.default_rng(6)
    indexed = np.sort(rng.integers(0, 1000, 5000).astype(np.uint64))
    queries = np.concatenate([rng.integers(0, 1100, 500), indexed[:50]]).astype(np.uint64)
    assert _search_sorted(indexed, queries).tolist() == np.searchsorted(indexed, queries, side="left").tolist()


def test_repeated_in_columns_marks_values_seen_elsewhere_in_the_same_column():
    import numpy as np
    from zhnews.transforms.neardup import repeated_in_columns

    values = np.array([[1, 5], [2, 5], [1, 6], [3, 1]], dtype=np.uint64)
    assert repeated_in_columns(values).tolist() == [[True, True], [False, True], [True, False], [False, False]]


def test_the_best_earlier_leader_is_the_most_similar_and_the_earliest_on_a_tie():
    import numpy as np
    from zhnews.transforms.neardup import _best_leaders

    query = np.array([0, 0, 0, 2, 2, 3])
    leader = np.array([4, 5, 6, 1, 9, 2])
    estimate = np.array([0.7, 0.9, 0.9, 0.61, 0.5, 0.59])
    best_j, best_lead = _best_leaders(query, leader, estimate, 4)
    assert best_lead.tolist() == [5, -1, 1, -1]  # query 3's only leader is under the threshold
    assert best_j.tolist() == [0.9, 0.0, 0.61, 0.0]


def test_rank_in_runs_numbers_each_run_of_equal_values_from_zero():
    import numpy as np
    from zhnews.transforms.neardup import rank_in_runs

    assert rank_in_runs(np.array([3, 3, 3, 5, 7, 7])).tolist() == [0, 1, 2, 0, 0, 1]
    assert rank_in_runs(np.array([], dtype=np.int64)).tolist() == []


def test_signed_shingles_are_those_of_the_shingle_text_for_any_character():
    """Signing masks characters by a table instead of `shingle_text`'s regex: the same characters
    stay, also case folds that change length, astral characters, underscores and lone surrogates."""
    from zhnews.transforms.neardup import _shingle_codes, shingle_text

    rng = random.Random(7)
    texts = ["".join(chr(rng.randrange(0x110000)) for _ in range(rng.randrange(40))) for _ in range(500)]
    texts += ["", "Straße İstanbul ﬁne ΣΑΣ", "𠀀𠀁𝟘😀_a_b ２０２４年", "\ud800孤\udfff立", "全角ＡＢＣ，标点。"]
    codes, lengths = _shingle_codes(texts)
    assert lengths.tolist() == [len(shingle_text(t)) for t in texts]
    assert codes.tolist() == [ord(c) for t in texts for c in shingle_text(t)]
