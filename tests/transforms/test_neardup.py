"""Near-duplicates: edited reposts and snippets of full articles are found; different articles are not.

The thresholds (Jaccard ≥ 0.6 of character 5-gram sets for reposts, containment ≥ 0.8 for a
snippet in its article) are checked here on made-up edited copies of generated articles, and
against pairs of different generated articles.
"""

import itertools
import random

from bench.synth import Writer
from transforms.neardup import (
    CONTAINMENT_THRESHOLD,
    JACCARD_THRESHOLD,
    SignedDoc,
    clusters,
    containment,
    find_matches,
    jaccard,
    signature,
)


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
    docs = []
    for doc_id, text in texts.items():  # originals first: the order stands for publication time
        sig = signature(text)
        docs.append(SignedDoc(doc_id, sig.hashvalues, sig.shingles, partial=doc_id.startswith("s")))

    def exact(pairs):
        return [containment(texts[a], texts[b]) for a, b in pairs]

    links = {(m.a, m.b, m.relation) for m in find_matches(docs, exact)}
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
    docs = [SignedDoc(f"v{i}", *(lambda s: (s.hashvalues, s.shingles))(signature(t))) for i, t in enumerate(versions)]
    links = find_matches(docs, lambda pairs: [0.0] * len(pairs))
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


def test_the_vectorized_minhash_equals_datasketch_update_batch():
    from datasketch import MinHash

    from tests.conftest import SAMPLES
    from transforms.neardup import _PERMUTATIONS, minhash_of, shingle_hashes

    hashes = shingle_hashes("".join(p.read_text(encoding="utf-8") for p in sorted(SAMPLES.glob("*.txt"))))
    assert len(hashes) > 4096  # more than one chunk
    reference = MinHash(num_perm=128, seed=1, hashfunc=int, permutations=_PERMUTATIONS, scheme="affine32")
    reference.update_batch(hashes.tolist())
    assert minhash_of(hashes).hashvalues.tolist() == reference.hashvalues.tolist()


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
    docs = [
        SignedDoc(k, *(lambda s: (s.hashvalues, s.shingles))(signature(t)), k.startswith("s")) for k, t in texts.items()
    ]
    return texts, docs


def test_results_do_not_depend_on_how_the_work_is_chunked(monkeypatch):
    """Documents are searched in chunks and candidate pairs scored in batches to bound memory;
    the links found must be the same whatever the chunk and batch sizes."""
    import transforms.neardup as neardup

    texts, docs = _mixed_corpus(seed=21)

    def exact(pairs):
        return [containment(texts[a], texts[b]) for a, b in pairs]

    whole = {(m.a, m.b, m.relation, m.similarity) for m in find_matches(docs, exact)}
    monkeypatch.setattr(neardup, "CHUNK_DOCS", 3)
    monkeypatch.setattr(neardup, "PAIRS_AT_ONCE", 1)
    monkeypatch.setattr(neardup, "EXACT_BATCH", 2)
    chunked = {(m.a, m.b, m.relation, m.similarity) for m in find_matches(docs, exact)}
    assert chunked == whole
    assert {r for _, _, r, _ in whole} == {"repost", "excerpt"}
    assert {(a, b) for a, b, r, _ in whole if r == "repost"} >= {(f"r{i:02}", f"a{i:02}") for i in range(0, 40, 3)}


def test_repost_candidates_are_the_ones_datasketch_minhashlsh_proposes():
    """The compact numpy band index finds exactly the documents datasketch's MinHashLSH would."""
    import numpy as np
    from datasketch import LeanMinHash, MinHashLSH

    from transforms.neardup import _REPOST_LSH, _BandIndex, band_keys

    _, docs = _mixed_corpus(seed=22)
    signatures = np.asarray([d.minhash for d in docs], dtype=np.uint32)
    lsh = MinHashLSH(threshold=JACCARD_THRESHOLD - 0.1, num_perm=128)
    for i, row in enumerate(signatures[:30]):
        lsh.insert(i, LeanMinHash(seed=1, hashvalues=row.astype(np.uint64), scheme="affine32"))
    index = _BandIndex(_REPOST_LSH.b)
    index.add(band_keys(signatures[:30], _REPOST_LSH.r, _REPOST_LSH.b), np.arange(30))
    rows, found = index.pairs(band_keys(signatures, _REPOST_LSH.r, _REPOST_LSH.b))
    ours = {(int(q), int(o)) for q, o in zip(rows, found, strict=True)}
    theirs = {
        (q, o)
        for q, row in enumerate(signatures)
        for o in lsh.query(LeanMinHash(seed=1, hashvalues=row.astype(np.uint64), scheme="affine32"))
    }
    assert ours == theirs
    assert any(q != o for q, o in ours)  # reposts are found, not only each document itself
