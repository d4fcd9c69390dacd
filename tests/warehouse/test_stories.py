"""Stories are rebuilt from the warehouse: exact checks read the stored texts, with bounded memory."""

import datetime as dt
import random
import shutil

import duckdb
import pytest
from zhnews.warehouse.store import Warehouse
from zhnews.warehouse.stories import _TextCache, rebuild_stories

from bench.synth import Writer
from tests.transforms.test_neardup import article, containment, lightly_edited, listing_snippet
from tests.warehouse.test_store import doc, load, rows
from tests.warehouse.test_store_analytics import with_analytics


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


@pytest.fixture
def warehouse_copy(corpus, tmp_path):
    """A writable copy of the corpus warehouse, stories not yet computed."""
    folder, _ = corpus
    shutil.copy(folder / "zhnews.duckdb", tmp_path / "zhnews.duckdb")
    with Warehouse(tmp_path) as wh:
        wh.con.execute("DELETE FROM stories_input")
        wh.con.execute("DELETE FROM doc_stories")
    return tmp_path


def test_a_pass_over_unchanged_input_is_skipped_and_keeps_the_stories(warehouse_copy, monkeypatch):
    import zhnews.warehouse.stories as stories_module

    with Warehouse(warehouse_copy) as wh:
        first = rebuild_stories(wh.con)
        before = stories(wh.con)

        def must_not_run(*args, **kwargs):
            raise AssertionError("the stories pass ran again on unchanged input")

        monkeypatch.setattr(stories_module, "find_signed_matches", must_not_run)
        assert rebuild_stories(wh.con) == first
        assert stories(wh.con) == before
        with pytest.raises(AssertionError, match="ran again"):
            rebuild_stories(wh.con, force=True)


@pytest.mark.parametrize(
    "change",
    [
        "UPDATE documents SET body = body || '（完）' WHERE doc_id = 'a05'",
        "UPDATE documents SET published_at = published_at - INTERVAL 1 DAY WHERE doc_id = 'r01'",
        "UPDATE documents SET body_kind = 'summary' WHERE doc_id = 'a11'",
        "UPDATE doc_signatures SET shingles = shingles + 1 WHERE doc_id = 'a02'",
        "DELETE FROM documents WHERE doc_id = 'a04'",
    ],
)
def test_any_change_to_what_the_pass_reads_recomputes_the_stories(warehouse_copy, change):
    with Warehouse(warehouse_copy) as wh:
        rebuild_stories(wh.con)
        fingerprint = wh.con.execute("SELECT fingerprint FROM stories_input").fetchone()[0]
        wh.con.execute(change)
        rebuild_stories(wh.con)
        assert wh.con.execute("SELECT fingerprint FROM stories_input").fetchone()[0] != fingerprint
        incremental = stories(wh.con)
        rebuild_stories(wh.con, force=True)
        assert stories(wh.con) == incremental


def test_a_change_of_the_pass_parameters_recomputes_the_stories(warehouse_copy, monkeypatch):
    import zhnews.warehouse.stories as stories_module

    with Warehouse(warehouse_copy) as wh:
        rebuild_stories(wh.con)
        fingerprint = wh.con.execute("SELECT fingerprint FROM stories_input").fetchone()[0]
        monkeypatch.setattr(stories_module, "PARAMETERS", stories_module.PARAMETERS + " changed")
        rebuild_stories(wh.con)
        assert wh.con.execute("SELECT fingerprint FROM stories_input").fetchone()[0] != fingerprint
