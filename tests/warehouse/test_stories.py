"""Stories are rebuilt from the warehouse: exact checks read the stored texts, with bounded memory."""

import datetime as dt
import random

import duckdb
import pytest

from bench.synth import Writer
from tests.transforms.test_neardup import article, lightly_edited, listing_snippet
from tests.warehouse.test_store import doc, load, rows
from tests.warehouse.test_store_analytics import with_analytics
from transforms.neardup import containment
from warehouse.stories import _TextCache, rebuild_stories


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """A warehouse of 12 articles, a repost of each of the first four and a listing snippet of the
    next four, published in that order; returns its folder and the texts as stored (title + body)."""
    tmp_path = tmp_path_factory.mktemp("stories")
    writer, rng = Writer(seed=41), random.Random(41)
    originals = [article(writer) for _ in range(12)]
    docs = [doc(f"a{i:02}", text, kind="full") for i, text in enumerate(originals)]
    docs += [doc(f"r{i:02}", lightly_edited(originals[i], rng), kind="full") for i in range(4)]
    docs += [doc(f"s{i:02}", listing_snippet(originals[i]), kind="snippet") for i in range(4, 8)]
    start = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    for minutes, d in enumerate(docs):
        d["published_at"] = start + dt.timedelta(minutes=minutes)
    load(tmp_path, "k1", with_analytics(rows("f1", docs)))
    return tmp_path, {d["doc_id"]: f"{d['title']}\n{d['body']}" for d in docs}


def stories(con):
    return set(con.execute("SELECT doc_id, story_id, relation FROM doc_stories").fetchall())


def test_reposts_and_snippets_join_the_story_of_their_article(corpus):
    folder, _ = corpus
    con = duckdb.connect(str(folder / "zhnews.duckdb"))
    try:
        assert rebuild_stories(con) == 8
        found = stories(con)
    finally:
        con.close()
    assert {(f"r{i:02}", f"a{i:02}", "repost") for i in range(4)} <= found
    assert {(f"s{i:02}", f"a{i:02}", "excerpt") for i in range(4, 8)} <= found
    assert {(f"a{i:02}", f"a{i:02}", "contains") for i in range(4, 8)} <= found
    assert not any(doc_id.startswith("a") and int(doc_id[1:]) >= 8 for doc_id, _, _ in found)


@pytest.mark.parametrize("cached_shingles", [0, 300, 10**9])
def test_exact_checks_read_the_stored_texts_whatever_the_cache_holds(corpus, cached_shingles):
    """The full documents' shingles are cached across batches up to a budget; the checks come out
    the same with no cache, a cache smaller than the batch and one holding everything."""
    folder, texts = corpus
    con = duckdb.connect(str(folder / "zhnews.duckdb"), read_only=True)
    try:
        cache = _TextCache(con, chunk=3, cached_shingles=cached_shingles)
        pairs = [(f"s{i:02}", f"a{j:02}") for i in range(4, 8) for j in range(12)] + [("r00", "a00"), ("zz", "a01")]
        for batch in (pairs[:20], pairs[20:], pairs):
            checked = cache.exact(batch)
            assert checked.tolist() == [containment(texts[a], texts[b]) if a in texts else 0.0 for a, b in batch]
            assert cache.held == sum(len(s) for s in cache.wholes.values()) <= cached_shingles
    finally:
        con.close()
    assert sum(v >= 0.8 for v in checked) == 5  # each snippet in its article, and the repost in its original
