"""Analytics rows: a batch's Arrow tables hold every file's rows, as the per-document values say."""

from collections import Counter

from transforms.doc_text import DocAnalysis
from transforms.neardup import signature
from transforms.segment import Keyword, TextTerms
from warehouse.records import analytics_columns, analytics_tables


def analysis(doc_id, tf, title_terms, keywords, text):
    terms = TextTerms(Counter(tf), frozenset(title_terms), keywords, sum(tf.values()))
    return DocAnalysis(doc_id, f"v-{doc_id}", terms, signature(text))


A = analysis("a", {"北约": 2, "欢迎": 1}, {"北约"}, [Keyword("北约", 0.5, 1)], "北约秘书长吕特表示欢迎")
B = analysis("b", {"高市早苗": 1}, set(), [], "高市早苗与特朗普通话")
C = analysis("c", {}, set(), [], "")


def test_a_batch_table_holds_each_files_rows_in_order():
    tables = analytics_tables([analytics_columns([A, B]), analytics_columns([]), analytics_columns([C])])
    assert tables["doc_terms"].to_pylist() == [
        {"doc_id": "a", "version": "v-a", "term": "北约", "tf": 2, "in_title": True},
        {"doc_id": "a", "version": "v-a", "term": "欢迎", "tf": 1, "in_title": False},
        {"doc_id": "b", "version": "v-b", "term": "高市早苗", "tf": 1, "in_title": False},
    ]
    assert tables["doc_keywords"].to_pylist() == [
        {"doc_id": "a", "version": "v-a", "keyword": "北约", "weight": 0.5, "rank": 1}
    ]
    signatures = tables["doc_signatures"].to_pylist()
    assert [(s["doc_id"], s["term_count"], s["shingles"]) for s in signatures] == [
        ("a", 3, A.signature.shingles),
        ("b", 1, B.signature.shingles),
        ("c", 0, 0),
    ]
    assert [s["minhash"] for s in signatures] == [
        A.signature.hashvalues,
        B.signature.hashvalues,
        C.signature.hashvalues,
    ]


def test_columns_of_no_documents_make_empty_tables():
    tables = analytics_tables([analytics_columns([])])
    assert all(t.num_rows == 0 for t in tables.values())
