"""Table rows: a batch's Arrow tables hold every file's rows, as the per-document values say;
built from a batch analysis, or column by column, they are the same tables."""

from collections import Counter
from itertools import pairwise

import pyarrow as pa
import pyarrow.parquet as pq
from zhnews.flows.batches import batch_rows, batch_tables
from zhnews.flows.config import load_segmenter
from zhnews.flows.extract import extract_files
from zhnews.flows.inputs import discover
from zhnews.transforms.doc_text import DocAnalysis, analyse_batch, analyse_documents, concat_analyses
from zhnews.transforms.neardup import signature
from zhnews.transforms.segment import Keyword, TextTerms
from zhnews.warehouse.parquet import to_table, write_batch
from zhnews.warehouse.records import (
    ANALYTICS_TABLES,
    BATCH_TABLES,
    DOCUMENTS,
    REMOVED_LINES,
    SIGHTINGS,
    analytics_columns,
    analytics_tables,
    batch_analytics,
    document_row,
    documents_table,
    removed_lines_table,
    removed_row,
    sighting_row,
    sightings_table,
)

from tests.conftest import SAMPLES


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


def seed_documents(processor):
    return [
        d for p in sorted(SAMPLES.glob("*.txt")) for d in processor.process(p.read_text(encoding="utf-8")).documents
    ]


def test_a_batch_analysis_makes_the_tables_the_per_document_analyses_make(processor):
    words = load_segmenter()
    docs = seed_documents(processor)
    expected = analytics_tables([analytics_columns(analyse_documents(docs, words))])
    tables = batch_analytics(analyse_batch(docs, words))
    for table in ANALYTICS_TABLES:
        assert tables[table].schema == BATCH_TABLES[table]
        assert tables[table].equals(expected[table]), table


def test_slices_of_a_batch_analysis_make_their_documents_tables_and_concatenate_back(processor):
    words = load_segmenter()
    docs = seed_documents(processor)
    batch = analyse_batch(docs, words)
    cuts = [0, 3, 3, 11, len(docs)]  # an empty slice included
    parts = [batch.slice(a, b) for a, b in pairwise(cuts)]
    for (a, b), part in zip(pairwise(cuts), parts, strict=True):
        expected = batch_analytics(analyse_batch(docs[a:b], words))
        assert all(batch_analytics(part)[t].equals(expected[t]) for t in ANALYTICS_TABLES), (a, b)
    whole = batch_analytics(concat_analyses(parts))
    assert all(whole[t].equals(batch_analytics(batch)[t]) for t in ANALYTICS_TABLES)
    assert {t: len(v) for t, v in batch_analytics(concat_analyses([])).items()} == dict.fromkeys(ANALYTICS_TABLES, 0)


def test_document_tables_built_column_by_column_hold_the_rows_of_each_document(processor):
    docs = seed_documents(processor)
    files = [f"file-{i % 3}" for i in range(len(docs))]
    removed = [line for d in docs for line in d.removed]
    removed_files = [f"file-{i % 2}" for i in range(len(removed))]
    assert docs and removed
    assert documents_table(docs).equals(pa.Table.from_pylist([document_row(d) for d in docs], schema=DOCUMENTS))
    assert sightings_table(docs, files).equals(
        pa.Table.from_pylist([sighting_row(d, f) for d, f in zip(docs, files, strict=True)], schema=SIGHTINGS)
    )
    assert removed_lines_table(removed, removed_files).equals(
        pa.Table.from_pylist(
            [removed_row(line, f) for line, f in zip(removed, removed_files, strict=True)], schema=REMOVED_LINES
        )
    )
    assert documents_table([]).num_rows == 0


def test_a_batch_analysis_holds_the_signature_of_each_document(processor):
    docs = seed_documents(processor)
    batch = analyse_batch(docs, load_segmenter())
    assert batch.signatures == [a.signature for a in analyse_documents(docs, load_segmenter())]
    assert batch.slice(2, 5).signatures == batch.signatures[2:5]


def test_a_batchs_tables_are_built_one_at_a_time_as_the_writer_asks(tmp_path):
    results = extract_files(sorted(discover([SAMPLES]), key=lambda f: f.path), segmenter="rjieba")
    tables = batch_tables(results, "load")
    name, first = next(tables)
    assert name == "files" and len(first) == len(results)
    rows = batch_rows(results, "load")
    written = write_batch(tmp_path, "key", batch_tables(results, "load"), "load")
    assert list(written) == [t for t, r in rows.items() if len(r)]
    for table, path in written.items():
        stored = pq.read_table(path)
        expected = to_table(table, rows[table])
        assert stored.equals(expected), table
