"""Terms, keywords and signatures follow the version of a document the warehouse keeps."""

import duckdb
from zhnews.flows.config import load_segmenter
from zhnews.transforms.doc_text import DocAnalysis, version_of
from zhnews.transforms.neardup import signature
from zhnews.transforms.segment import analyse_text
from zhnews.warehouse.records import analytics_columns, analytics_tables

from tests.warehouse.test_store import doc, load, rows


def with_analytics(batch):
    """Add the analytics rows a worker computes for each document of the batch."""
    words = load_segmenter()
    analyses = [
        DocAnalysis(
            d["doc_id"],
            version_of(d["title"], d["body"]),
            analyse_text(words, d["title"], d["body"]),
            signature(d["body"]),
        )
        for d in batch["documents"]
    ]
    return {**batch, **analytics_tables([analytics_columns(analyses)])}


def terms(tmp_path):
    con = duckdb.connect(str(tmp_path / "zhnews.duckdb"), read_only=True)
    try:
        return {t for (t,) in con.execute("SELECT term FROM doc_terms").fetchall()}
    finally:
        con.close()


SNIPPET = "高市早苗与特朗普通话"
FULL = "高市早苗与特朗普通话，北约秘书长吕特表示欢迎"


def test_a_better_version_replaces_the_terms_of_the_kept_one(tmp_path):
    load(tmp_path, "k1", with_analytics(rows("f1", [doc("d1", SNIPPET)])))
    assert "北约" not in terms(tmp_path)
    load(tmp_path, "k2", with_analytics(rows("f2", [doc("d1", FULL, kind="full")])))
    assert "北约" in terms(tmp_path) and "吕特" in terms(tmp_path)


def test_a_worse_version_loaded_later_leaves_the_terms_alone(tmp_path):
    load(tmp_path, "k2", with_analytics(rows("f2", [doc("d1", FULL, kind="full")])))
    load(tmp_path, "k1", with_analytics(rows("f1", [doc("d1", SNIPPET)])))
    assert "北约" in terms(tmp_path)
    con = duckdb.connect(str(tmp_path / "zhnews.duckdb"), read_only=True)
    assert con.execute("SELECT count(*) FROM doc_signatures").fetchone()[0] == 1
    assert con.execute("SELECT count(*) FROM doc_terms WHERE term = '高市早苗'").fetchone()[0] == 1


def test_reloading_the_same_batch_does_not_duplicate_terms(tmp_path):
    batch = with_analytics(rows("f1", [doc("d1", FULL)]))
    load(tmp_path, "k1", batch)
    load(tmp_path, "k1", batch)
    con = duckdb.connect(str(tmp_path / "zhnews.duckdb"), read_only=True)
    total, distinct = con.execute("SELECT count(*), count(DISTINCT term) FROM doc_terms").fetchone()
    assert total == distinct >= 6
    assert con.execute("SELECT count(*) FROM doc_keywords WHERE rank = 1").fetchone()[0] == 1


def test_a_document_no_file_sights_any_more_loses_its_terms(tmp_path):
    load(tmp_path, "k1", with_analytics(rows("f1", [doc("d1", FULL)])))
    load(tmp_path, "k2", with_analytics(rows("f1", [doc("d9", "石破茂访问东京")], digest="h2")))
    assert terms(tmp_path) == {"标题", "石破茂", "访问", "东京"}
    con = duckdb.connect(str(tmp_path / "zhnews.duckdb"), read_only=True)
    assert con.execute("SELECT DISTINCT doc_id FROM doc_signatures").fetchall() == [("d9",)]


def two_files(first, second):
    """One batch of two files' rows."""
    return {table: first[table] + second[table] for table in first}


def test_a_version_seen_in_two_files_of_one_batch_gets_its_terms_once(tmp_path):
    load(tmp_path, "k1", with_analytics(two_files(rows("f1", [doc("d1", FULL)]), rows("f2", [doc("d1", FULL)]))))
    con = duckdb.connect(str(tmp_path / "zhnews.duckdb"), read_only=True)
    total, distinct = con.execute("SELECT count(*), count(DISTINCT term) FROM doc_terms").fetchone()
    assert total == distinct >= 6
    assert con.execute("SELECT count(*) FROM doc_signatures").fetchone()[0] == 1


def test_a_stored_document_seen_again_in_a_new_file_keeps_one_set_of_terms(tmp_path):
    load(tmp_path, "k1", with_analytics(rows("f1", [doc("d1", FULL), doc("d2", SNIPPET)])))
    load(tmp_path, "k2", with_analytics(rows("f2", [doc("d1", FULL), doc("d3", "石破茂访问东京")])))
    con = duckdb.connect(str(tmp_path / "zhnews.duckdb"), read_only=True)
    per_doc = dict(con.execute("SELECT doc_id, count(*) FROM doc_signatures GROUP BY doc_id").fetchall())
    assert per_doc == {"d1": 1, "d2": 1, "d3": 1}
    total, distinct = con.execute("SELECT count(*), count(DISTINCT (doc_id, term)) FROM doc_terms").fetchone()
    assert total == distinct
