"""Entities in the warehouse: brought by each batch, their views, search by entity, reindex, the report."""

import json
import shutil
from collections import Counter
from functools import partial
from itertools import combinations

import duckdb
import pytest
from zhnews.flows.config import load_entity_extractor
from zhnews.flows.entities import entity_search
from zhnews.flows.entity_pool import entity_workers
from zhnews.reports.build import build_report
from zhnews.transforms.entities import rules_fingerprint
from zhnews.warehouse.entities import POOL_CHUNKS, update_entities

from tests.conftest import ROOT, SAMPLES, run_cli

TRADITIONAL = ROOT / "tests" / "fixtures" / "holdout_cna_trad.txt"


@pytest.fixture(scope="module")
def warehouse(prefect_harness, tmp_path_factory):
    """A data dir of the seed dumps and one Traditional article, ingested with entities (the default)."""
    from zhnews.flows.ingest import ingest_flow

    root = tmp_path_factory.mktemp("entities")
    inbox = root / "inbox"
    shutil.copytree(SAMPLES, inbox)
    shutil.copy(TRADITIONAL, inbox)
    ingest_flow(paths=[str(inbox)], data_dir=str(root / "data"))
    return root / "data"


@pytest.fixture
def con(warehouse):
    with duckdb.connect(str(warehouse / "zhnews.duckdb"), read_only=True) as con:
        con.execute("SET TimeZone = 'Asia/Shanghai'")
        yield con


def copy_of(warehouse, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(warehouse, data, ignore=shutil.ignore_patterns("parquet"))
    return data


def test_every_document_gets_its_entities_computed_from_its_current_version(con):
    missing = con.execute(
        "SELECT count(*) FROM documents d LEFT JOIN entity_versions v USING (doc_id)"
        " WHERE v.doc_id IS NULL OR v.version <> md5(coalesce(d.title, '') || chr(10) || coalesce(d.body, ''))"
    ).fetchone()[0]
    assert missing == 0
    kinds = dict(con.execute("SELECT kind, count(*) FROM doc_entities GROUP BY kind").fetchall())
    assert set(kinds) == {"person", "place", "org"}
    (mentions,) = con.execute(
        "SELECT sum(mentions) FROM doc_entities WHERE entity_simplified = '高市早苗' AND kind = 'person'"
    ).fetchone()
    assert mentions >= 20  # the seeds are about her


def test_traditional_and_simplified_spellings_are_one_entity_and_the_printed_one_is_kept(con):
    rows = con.execute(
        "SELECT entity, entity_simplified, kind FROM doc_entities WHERE entity_simplified = '台积电'"
    ).fetchall()
    assert ("台積電", "台积电", "org") in rows
    hits = entity_search(con, "台積電")  # either spelling finds it
    assert hits and hits == entity_search(con, "台积电")
    assert "台積電" in hits[0].matched_terms


def test_entity_trends_count_the_documents_naming_an_entity_per_day_and_outlet(con):
    rows = con.execute(
        "SELECT e.entity_simplified, e.kind, CAST(timezone('Asia/Shanghai', d.published_at) AS DATE), d.source"
        " FROM doc_entities e JOIN documents d USING (doc_id) WHERE d.published_at IS NOT NULL"
    ).fetchall()
    expected = Counter(rows)
    view = con.execute("SELECT entity, kind, day, outlet, documents FROM v_entity_trends").fetchall()
    assert {(e, k, d, o): n for e, k, d, o, n in view} == expected
    types = dict(con.execute("SELECT column_name, column_type FROM (DESCRIBE v_entity_trends)").fetchall())
    assert types["documents"] == "BIGINT"


def test_entity_pairs_count_the_documents_naming_both(con):
    per_doc: dict[str, set] = {}
    for doc_id, entity, kind in con.execute("SELECT doc_id, entity_simplified, kind FROM doc_entities").fetchall():
        per_doc.setdefault(doc_id, set()).add((entity, kind))
    expected = Counter(pair for names in per_doc.values() for pair in combinations(sorted(names), 2))
    view = con.execute("SELECT entity_a, kind_a, entity_b, kind_b, documents FROM v_entity_pairs").fetchall()
    assert {((a, ka), (b, kb)): n for a, ka, b, kb, n in view} == expected


def test_each_batch_brings_the_entities_of_its_documents_in_its_parquet_files(warehouse, con):
    kept = con.execute(
        f"""SELECT p.* EXCLUDE (version) FROM read_parquet('{warehouse}/parquet/doc_entities/*.parquet') p
            JOIN documents d ON d.doc_id = p.doc_id
             AND p.version = md5(coalesce(d.title, '') || chr(10) || coalesce(d.body, ''))"""
    ).fetchall()
    assert sorted(kept) == sorted(con.execute("SELECT * FROM doc_entities").fetchall())


def test_documents_loaded_with_entities_off_get_them_from_the_next_run_that_has_them_on(warehouse, con, tmp_path):
    from zhnews.flows.ingest import ingest_flow

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(sorted(SAMPLES.glob("*.txt"))[0], inbox)
    data = tmp_path / "data"
    ingest_flow(paths=[str(inbox)], data_dir=str(data), entities="off")
    assert not (data / "parquet" / "doc_entities").exists()
    with duckdb.connect(str(data / "zhnews.duckdb"), read_only=True) as off:
        assert off.execute("SELECT count(*) FROM doc_entities").fetchone()[0] == 0
    ingest_flow(paths=[str(inbox)], data_dir=str(data))  # nothing new: only the step after the loads
    with duckdb.connect(str(data / "zhnews.duckdb"), read_only=True) as on:
        doc_ids = [r[0] for r in on.execute("SELECT doc_id FROM documents").fetchall()]
        computed = sorted(on.execute("SELECT * FROM doc_entities").fetchall())
    brought = con.execute("SELECT * FROM doc_entities WHERE doc_id IN (SELECT unnest(?))", [doc_ids]).fetchall()
    assert computed and computed == sorted(brought)  # the entities the batches of the warehouse fixture brought


def test_a_run_that_brings_nothing_computes_nothing_and_dropped_documents_lose_their_entities(warehouse, tmp_path):
    data = copy_of(warehouse, tmp_path)
    extractor = load_entity_extractor((), "none")

    def no_model():
        pytest.fail("the extractor was built with nothing to compute")

    with duckdb.connect(str(data / "zhnews.duckdb")) as con:
        rules = con.execute("SELECT any_value(rules) FROM entity_versions").fetchone()[0]
        assert update_entities(con, no_model, rules) == 0
        gone = con.execute("SELECT doc_id FROM doc_entities LIMIT 1").fetchone()[0]
        con.execute("DELETE FROM documents WHERE doc_id = ?", [gone])
        assert update_entities(con, no_model, rules) == 0
        assert con.execute("SELECT count(*) FROM doc_entities WHERE doc_id = ?", [gone]).fetchone()[0] == 0
        # other names and rules: a document the next load brings is computed with them
        assert rules_fingerprint(extractor.rules, "none") != rules


def test_a_run_looks_only_at_the_documents_its_loads_brought_replaced_or_dropped(warehouse, tmp_path):
    """The loader lists those documents (entities_pending); the step computes the listed ones whose
    entities are missing, stale or of other rules, and empties the list: the other documents are not
    looked at, even with entities of other rules (that is reindex's work)."""
    data = copy_of(warehouse, tmp_path)
    extractor = load_entity_extractor((), "none")
    with duckdb.connect(str(data / "zhnews.duckdb")) as con:
        assert con.execute("SELECT count(*) FROM entities_pending").fetchone()[0] == 0  # the ingest emptied it
        con.execute("UPDATE entity_versions SET rules = 'older rules'")
        listed = [r[0] for r in con.execute("SELECT doc_id FROM documents ORDER BY doc_id LIMIT 2").fetchall()]
        con.execute("INSERT INTO entities_pending VALUES (?), (?)", listed)  # as a load lists them
        assert update_entities(con, extractor, "new rules") == 2
        assert con.execute("SELECT count(*) FROM entities_pending").fetchone()[0] == 0
        by_rules = dict(
            con.execute("SELECT rules, list(doc_id ORDER BY doc_id) FROM entity_versions GROUP BY rules").fetchall()
        )
        assert by_rules["new rules"] == listed and len(by_rules["older rules"]) > 2


def test_entities_computed_after_the_loads_in_worker_processes_are_those_the_batches_brought(warehouse, tmp_path):
    data = copy_of(warehouse, tmp_path)
    extractor = load_entity_extractor((), "gated")
    with duckdb.connect(str(data / "zhnews.duckdb")) as con:
        rules = rules_fingerprint(extractor.rules, "gated")
        from_batches = sorted(con.execute("SELECT * FROM doc_entities").fetchall())  # the ingest's
        workers = partial(entity_workers, (), "gated", 2)
        computed = update_entities(con, extractor, rules, chunk=1, everything=True, workers=workers)
        assert computed >= POOL_CHUNKS  # chunks enough for the worker processes
        assert sorted(con.execute("SELECT * FROM doc_entities").fetchall()) == from_batches


def test_search_by_entity_lists_the_documents_naming_it_newest_first(warehouse):
    proc = run_cli("search", "--entity", "高市早苗", "--data-dir", str(warehouse), "--json", "-n", "50")
    assert proc.returncode == 0, proc.stderr
    hits = json.loads(proc.stdout)
    with duckdb.connect(str(warehouse / "zhnews.duckdb"), read_only=True) as con:
        expected = con.execute(
            "SELECT count(DISTINCT doc_id) FROM doc_entities WHERE entity_simplified = '高市早苗'"
        ).fetchone()[0]
    assert len(hits) == expected > 5
    dates = [h["published_at"] for h in hits if h["published_at"]]
    assert dates == sorted(dates, reverse=True)
    assert all("高市早苗" in h["matched_terms"] and h["score"] >= 1 for h in hits)
    assert run_cli("search", "--data-dir", str(warehouse)).returncode == 2  # neither words nor --entity


def test_reindex_recomputes_entities_after_a_dictionary_change(warehouse, tmp_path):
    data = copy_of(warehouse, tmp_path)
    words = tmp_path / "words"
    words.mkdir()
    (words / "userdict_mine.txt").write_text("周刊文春 nt\n", encoding="utf-8")
    (words / "entity_stoplist_mine.txt").write_text("特朗普\n", encoding="utf-8")

    def names(kind):
        with duckdb.connect(str(data / "zhnews.duckdb"), read_only=True) as con:
            rows = con.execute("SELECT DISTINCT entity_simplified FROM doc_entities WHERE kind = ?", [kind])
            return {r[0] for r in rows.fetchall()}

    assert "特朗普" in names("person") and "周刊文春" not in names("org")
    proc = run_cli("reindex", "--data-dir", str(data), "--profiles", str(words))
    assert proc.returncode == 0, proc.stderr
    assert "entity rows" in proc.stdout
    assert "特朗普" not in names("person") and "周刊文春" in names("org")


def test_the_report_shows_who_and_where_from_the_views(warehouse, tmp_path):
    html = build_report(warehouse, tmp_path / "report.html").read_text(encoding="utf-8")
    assert 'id="entities"' in html
    for kind in ("person", "place", "org"):
        assert f'"chart-entities-{kind}"' in html
    with duckdb.connect(str(warehouse / "zhnews.duckdb"), read_only=True) as con:
        a, ka, b, kb, n = con.execute(
            "SELECT * FROM v_entity_pairs ORDER BY documents DESC, entity_a, entity_b"
        ).fetchone()
    table = html[html.index('id="table-entity-pairs"') :]
    first_row = table[table.index("<tbody><tr>") + 11 : table.index("</tr>", table.index("<tbody>"))]
    assert first_row == f'<td>{a}</td><td>{ka}</td><td>{b}</td><td>{kb}</td><td class="num">{n}</td>'


def test_bi_tools_read_the_entity_views_with_integer_counts(warehouse):
    import pandas as pd
    from sqlalchemy import create_engine, text

    engine = create_engine(f"duckdb:///{warehouse / 'zhnews.duckdb'}", connect_args={"read_only": True})
    with engine.connect() as c:
        trends = pd.read_sql(text("SELECT * FROM v_entity_trends WHERE kind = 'person'"), c)
        pairs = pd.read_sql(text("SELECT * FROM v_entity_pairs ORDER BY documents DESC LIMIT 5"), c)
    engine.dispose()
    assert list(trends.columns) == ["entity", "kind", "day", "outlet", "documents"]
    assert str(trends["documents"].dtype) == "int64" and str(pairs["documents"].dtype) == "int64"
    assert "高市早苗" in set(trends["entity"])
