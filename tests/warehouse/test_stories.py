"""Stories are kept from the warehouse: exact checks read the stored texts, with bounded memory; a
warehouse built by many runs has the stories of one run over the same files."""

import datetime as dt
import math
import random
import shutil

import duckdb
import numpy as np
import pytest
from zhnews.warehouse.parquet import write_batch
from zhnews.warehouse.store import Warehouse
from zhnews.warehouse.stories import _TextCache, update_stories

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
        assert update_stories(con) == 8
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


def test_a_pass_with_nothing_pending_is_skipped_and_keeps_the_stories(warehouse_copy, monkeypatch):
    import zhnews.warehouse.stories as stories_module

    with Warehouse(warehouse_copy) as wh:
        first = update_stories(wh.con)
        before = stories(wh.con)

        def must_not_run(*args, **kwargs):
            raise AssertionError("the stories pass ran again on unchanged input")

        monkeypatch.setattr(stories_module, "find_signed_matches", must_not_run)
        monkeypatch.setattr(stories_module, "_place_pending", must_not_run)
        assert update_stories(wh.con) == first
        assert stories(wh.con) == before
        with pytest.raises(AssertionError, match="ran again"):
            update_stories(wh.con, force=True)


def test_a_change_of_the_pass_parameters_recomputes_the_stories(warehouse_copy, monkeypatch):
    import zhnews.warehouse.stories as stories_module

    with Warehouse(warehouse_copy) as wh:
        update_stories(wh.con)
        fingerprint = wh.con.execute("SELECT fingerprint FROM stories_input").fetchone()[0]
        monkeypatch.setattr(stories_module, "PARAMETERS", stories_module.PARAMETERS + " changed")
        assert not stories_module.stories_up_to_date(wh.con)
        update_stories(wh.con)
        assert wh.con.execute("SELECT fingerprint FROM stories_input").fetchone()[0] != fingerprint


# --- many runs, one result -------------------------------------------------------------------------


def news_files():
    """Files of documents ({file: [doc rows]}) with known links, published out of file order: articles
    a00-a09; reposts r00-r05 of a00-a05 (r01 and r02 published before their originals, in a later
    file); snippets s06-s09 of a06-a09 (s06 in a file before its article's); a chain of versions
    v0-v5, each with one more paragraph replaced; y0 (in f5, removed in the end) reposted by y1, y2;
    f4 is changed in the end: its repost of a06 dropped, x0 extended, a repost of a07 older than a07 added."""
    writer, rng = Writer(seed=52), random.Random(52)
    text = {f"a{i:02}": article(writer) for i in range(10)}
    text.update({f"r{i:02}": lightly_edited(text[f"a{i:02}"], rng) for i in range(6)})
    text.update({f"s{i:02}": listing_snippet(text[f"a{i:02}"]) for i in range(6, 10)})
    paragraphs = [writer.paragraph(4) for _ in range(8)]
    for step in range(6):
        paragraphs[step] = writer.paragraph(4)
        text[f"v{step}"] = "\n".join(paragraphs)
    text["y0"] = article(writer)
    text["y1"], text["y2"] = lightly_edited(text["y0"], rng), lightly_edited(text["y0"], rng)
    text["x0"] = article(writer)
    text["x0-edited"] = text["x0"] + "\n" + writer.paragraph(4)  # longer: the version the warehouse keeps
    text["sx0"] = listing_snippet(text["x0"])
    text["r06"], text["r07"] = lightly_edited(text["a06"], rng), lightly_edited(text["a07"], rng)
    start = dt.datetime(2025, 3, 1, tzinfo=dt.UTC)
    minutes = {doc_id: 10 * k for k, doc_id in enumerate(sorted(text))}
    minutes.update({"r01": -50, "r02": -40, "r07": -30, "y0": -60, "v3": minutes["v1"]})  # v3: same time as v1

    def docs(*ids, doc_id=None):
        made = []
        for i in ids:
            kind = "snippet" if i.startswith("s") else "full"
            d = doc(doc_id or i, text[i], kind=kind)
            d["published_at"] = start + dt.timedelta(minutes=minutes[i])
            made.append(d)
        return made

    return {
        "f0": docs("a00", "a01", "a02", "a03", "a04", "s06", "v0", "v1"),
        "f1": docs("a05", "a06", "a07", "a08", "a09", "r00", "v2", "v3", "y2"),
        "f2": docs("r01", "r02", "s07", "s08"),
        "f3": docs("r03", "r04", "r05", "v4", "v5", "s09", "y1"),
        "f4": [*docs("x0", "sx0", "r06")],
        "f4-changed": [*docs("x0-edited", doc_id="x0"), *docs("sx0", "r07")],
        "f5": docs("y0"),
    }


def run(folder, files, forget=()):
    """One run: `forget` files dropped, `files` loaded ({file_id: docs}), then the stories pass."""
    folder.mkdir(exist_ok=True)
    with Warehouse(folder) as wh:
        if forget:
            wh.forget_files(list(forget))
        for file_id, docs in files.items():
            name = file_id.split("-")[0]
            batch = with_analytics(rows(name, docs, digest=file_id))
            wh.load_batch(write_batch(folder, f"{file_id}-{len(docs)}", batch, "load1"))
        update_stories(wh.con, full_share=math.inf)
        documents = wh.con.execute("SELECT doc_id, body, published_at FROM documents ORDER BY doc_id").fetchall()
        return documents, stories(wh.con), wh.con.execute("SELECT doc_id, similarity FROM doc_stories").fetchall()


@pytest.fixture(scope="module")
def one_run(tmp_path_factory):
    """The news files' final state loaded in one run: (documents, stories, similarities)."""
    files = news_files()
    final = {name: files[name] for name in ("f0", "f1", "f2", "f3", "f4-changed")}
    return run(tmp_path_factory.mktemp("one") / "data", final)


def many_runs(folder, monkeypatch, before_run=lambda: None):
    """The news files loaded by a big run, then small ones bringing older documents, a changed file and
    a removed one (`before_run` called before each small one); the last run's result."""
    import zhnews.warehouse.stories as stories_module

    files = news_files()
    run(folder, {name: files[name] for name in ("f0", "f1", "f5")})

    def must_not_run(*args, **kwargs):
        raise AssertionError("a small run recomputed every story")

    monkeypatch.setattr(stories_module, "find_signed_matches", must_not_run)
    result = None
    for loaded, forgotten in (({"f2"}, ()), ({"f3", "f4"}, ()), ({"f4-changed"}, ()), ((), ["f5"])):
        before_run()
        result = run(folder, {name: files[name] for name in sorted(loaded)}, forget=forgotten)
    return result


def index_state(folder):
    """(pairs the index lists for documents in the stories, pairs of story_keys, files named by the
    published file and the spare, files in the index folder) of a data dir; checks that the index
    holds each document's signature."""
    from zhnews.warehouse.story_index import KEY_FOLDER, StoryKeyIndex

    named = set()
    for name in ("zhnews.duckdb", ".zhnews.spare.duckdb"):
        if (folder / name).exists():
            with duckdb.connect(str(folder / name), read_only=True) as con:
                named |= {
                    r[0] for r in con.execute("SELECT name FROM story_key_files WHERE name IS NOT NULL").fetchall()
                }
    with duckdb.connect(str(folder / "zhnews.duckdb"), read_only=True) as con:
        index = StoryKeyIndex(con)
        live = {r[0] for r in con.execute("SELECT doc_no FROM story_docs").fetchall()}
        listed = {
            (int(k), int(d)) for part in (index.base, index.delta) for k, d in zip(*part, strict=True) if d in live
        }
        stored = set(con.execute("SELECT key, doc_no FROM story_keys").fetchall())
        signatures = con.execute("SELECT x.doc_no, s.minhash FROM story_docs x JOIN doc_signatures s USING (doc_id)")
        assert all(index.signature(n).tolist() == minhash for n, minhash in signatures.fetchall())
    return listed, stored, named, {p.name for p in (folder / KEY_FOLDER).iterdir()}


def test_stories_of_a_warehouse_built_in_many_runs_are_those_of_one_run(tmp_path, monkeypatch, one_run):
    """A big run, then small ones bringing older documents, a changed file and a removed one."""
    documents, stories_of_one_run, one_run_similarities = one_run
    many_documents, stories_of_many_runs, many_similarities = many_runs(tmp_path / "many", monkeypatch)

    listed, stored, named, present = index_state(tmp_path / "many")
    assert stored and listed == stored  # the key index lists the keys of the documents in the stories
    assert named and present == named  # in files the published warehouse or its spare names, no others
    assert many_documents == documents
    assert stories_of_many_runs == stories_of_one_run
    assert sorted(many_similarities) == sorted(one_run_similarities)
    found = stories_of_one_run
    assert {("r01", "r01", "first"), ("a01", "r01", "repost"), ("r02", "r02", "first")} <= found  # older copies lead
    assert {("s06", "a06", "excerpt"), ("a06", "a06", "contains"), ("r07", "r07", "first")} <= found
    assert {("sx0", "sx0", "excerpt"), ("x0", "sx0", "contains")} <= found  # named by the earlier snippet
    assert not any(d == "y0" for d, _, _ in found)
    assert {("y1", "y1", "first"), ("y2", "y1", "repost")} <= found  # y0's story, led by y1 once y0 left
    assert len({story for d, story, _ in found if d.startswith("v")}) >= 2  # the chain does not drift


def test_the_next_writer_copies_the_rows_the_last_stories_pass_wrote_instead_of_placing_again(tmp_path, monkeypatch):
    """The file the last run published over is caught up with the rows that run's pass wrote, copied
    from the published file: the same tables, and no document placed a second time."""
    import zhnews.warehouse.store as store
    import zhnews.warehouse.stories as stories_module

    from tests.warehouse.test_store import tables

    monkeypatch.setattr(stories_module, "FULL_SHARE", math.inf)  # every small run places its documents
    files, folder = news_files(), tmp_path / "data"
    folder.mkdir()
    runs = [({"f0", "f1", "f5"}, ()), ({"f2"}, ()), ({"f3", "f4"}, ()), ({"f4-changed"}, ()), ((), ["f5"])]
    for loaded, forgotten in runs:
        with Warehouse(folder, logged=True) as wh:  # as an ingest: each open catches the spare up
            if forgotten:
                wh.forget_files(list(forgotten))
            for name in sorted(loaded):
                batch = with_analytics(rows(name.split("-")[0], files[name], digest=name))
                wh.load_batch(write_batch(folder, name, batch, "load1"))
            wh.update_stories()
    published = tables(folder / "zhnews.duckdb")
    assert "('y1', 'y1', 1.0, 'first')" in published["doc_stories"]  # y0 removed: y1 leads its story
    placed, copied = [], []
    real_place = stories_module._place_pending
    monkeypatch.setattr(stories_module, "_place_pending", lambda *a: placed.append(a) or real_place(*a))
    monkeypatch.setattr(store, "_copy_atomically", lambda *args: copied.append(args))
    wh = Warehouse(folder, logged=True)
    wh.close()
    assert not placed and not copied
    assert tables(wh.path) == published


# --- the sorted key index beside the warehouse -------------------------------------------------------


def test_stories_do_not_depend_on_how_the_key_index_was_kept(tmp_path, monkeypatch, one_run):
    """Merged into a new base at every pass, or its files lost before a run (built again from
    story_keys), the index gives the stories of one run."""
    import zhnews.warehouse.story_index as story_index

    monkeypatch.setattr(story_index, "MAX_DELTA_ROWS", 0)
    lost = iter([False, True, False, True])
    folder = tmp_path / "many"

    def maybe_lose_the_index():
        if next(lost):
            shutil.rmtree(folder / story_index.KEY_FOLDER)

    documents, stories_of_many_runs, similarities = many_runs(folder, monkeypatch, maybe_lose_the_index)
    assert (documents, stories_of_many_runs, sorted(similarities)) == (one_run[0], one_run[1], sorted(one_run[2]))
    listed, stored, _, _ = index_state(folder)
    assert listed == stored


def test_a_key_lookup_finds_documents_of_the_other_kind_through_the_excerpt_bands():
    """A snippet's excerpt bands are shared by the many snippets of the same listing template; the
    stored keys are such that looking a document's keys up finds, through the excerpt bands, only
    documents of the other kind (full ↔ partial), and through the repost bands both kinds."""
    from zhnews.transforms.neardup import excerpt_keys, repost_keys, signature_rows
    from zhnews.warehouse.stories import stored_keys

    signatures, _ = signature_rows([article(Writer(seed=3))])
    keys = np.concatenate([repost_keys(signatures), excerpt_keys(signatures)], axis=1).ravel()
    repost = np.arange(len(keys)) < repost_keys(signatures).shape[1]
    yes, no = np.ones(len(keys), dtype=bool), np.zeros(len(keys), dtype=bool)
    as_partial, as_full = stored_keys(keys, yes), stored_keys(keys, no)
    asked_by_partial, asked_by_full = stored_keys(keys, ~yes), stored_keys(keys, ~no)
    assert (asked_by_partial == as_full).all() and (asked_by_full == as_partial).all()
    assert (asked_by_partial == as_partial)[repost].all() and not (asked_by_partial == as_partial)[~repost].any()
    assert (asked_by_full == as_full)[repost].all() and not (asked_by_full == as_full)[~repost].any()
