"""Each extracted file carries the analytics rows of its distinct document versions, however the
batch's documents are grouped for analysis; a worker's Arrow buffers come from the C library."""

import pyarrow as pa
import pytest
import zhnews.flows.extract as extract
import zhnews.transforms.dump_pipeline as dump_pipeline
from zhnews.flows.config import load_segmenter
from zhnews.flows.inputs import discover
from zhnews.transforms.doc_text import analyse_documents, version_of
from zhnews.warehouse.records import ANALYTICS_TABLES, analytics_columns, analytics_tables, batch_analytics

from tests.conftest import SAMPLES


def per_document_tables(documents):
    distinct = {(d.doc_id, version_of(d.title, d.body)): d for d in documents}
    return analytics_tables([analytics_columns(analyse_documents(list(distinct.values()), load_segmenter()))])


@pytest.mark.parametrize("group_chars", [dump_pipeline.ANALYSIS_CHARS, 2000])  # one group; groups that split files
def test_a_files_analytics_are_those_of_its_own_documents(monkeypatch, group_chars):
    monkeypatch.setattr(dump_pipeline, "ANALYSIS_CHARS", group_chars)
    files = list(discover([SAMPLES]))
    results = extract.extract_files(files)
    assert [r.outcome for r in results] == ["loaded"] * len(files)
    for result in results:
        expected = per_document_tables(result.dump.documents)
        tables = batch_analytics(result.dump.analysis)
        for table in ANALYTICS_TABLES:
            assert tables[table].equals(expected[table]), (result.file.path, table)


def test_a_worker_allocates_arrow_buffers_with_the_c_library_unless_told_otherwise(monkeypatch):
    monkeypatch.setattr(pa, "set_memory_pool", lambda pool: chosen.append(pool.backend_name))
    chosen = []
    monkeypatch.delenv("ARROW_DEFAULT_MEMORY_POOL", raising=False)
    extract.use_system_allocator()
    monkeypatch.setenv("ARROW_DEFAULT_MEMORY_POOL", "mimalloc")
    extract.use_system_allocator()
    assert chosen == ["system"]
