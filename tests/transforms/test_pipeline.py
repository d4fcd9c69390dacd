"""The whole text → records path, on the seed dumps and on synthetic dumps of the same layouts."""

import json

import pytest
from zhnews.transforms.normalize.text import canonical

from bench.synth import Writer
from tests.conftest import SAMPLES, SEED_GOLD, shared_file


def seed(name):
    return next(SAMPLES.glob(f"{name}_*.txt")).read_text(encoding="utf-8")


def test_seed_listing_documents_come_out_in_order_with_typed_metadata(processor):
    extract = processor.process(seed("000"))
    gold = json.loads(shared_file(SEED_GOLD).read_text(encoding="utf-8"))["files"][0]["documents"]
    assert [d.title for d in extract.documents] == [g["title"] for g in gold]
    assert [d.source for d in extract.documents] == [g["source"] for g in gold]
    assert [d.published_at.isoformat() for d in extract.documents] == [g["published_at"] for g in gold]
    assert [d.body_kind for d in extract.documents] == [g["body_kind"] for g in gold]
    assert extract.documents[1].source_raw == "Xin Lang Cai Jing"


def test_truncated_snippets_are_flagged_and_lose_the_marker(processor):
    first = processor.process(seed("000")).documents[0]
    assert first.truncated and not first.body.endswith("...")


def test_no_citation_marker_survives(processor):
    for doc in processor.process(seed("001")).documents:
        assert "[1]" not in doc.body


def test_removed_lines_account_for_every_non_blank_line(processor):
    for path in sorted(SAMPLES.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        extract = processor.process(text)
        body_chars = sum(len(canonical(d.body)) for d in extract.documents)
        removed_nos = {r.line_no for r in extract.removed}
        assert len(removed_nos) == len(extract.removed), "a line is recorded as removed twice"
        assert body_chars > 0
        non_blank = [no for no, t in enumerate(text.split("\n"), 1) if t.strip()]
        assert removed_nos <= set(non_blank)


def test_the_same_article_gets_the_same_doc_id_in_any_dump(processor):
    text = seed("000")
    again = processor.process("其他话题\nSearch documents\n" + text.split("\n", 2)[2])
    assert [d.doc_id for d in again.documents] == [d.doc_id for d in processor.process(text).documents]


@pytest.mark.parametrize("index", range(16))
def test_synthetic_dumps_of_the_seed_layouts_split_and_normalize_like_their_gold(processor, index):
    dump = Writer(seed=index).any_dump(index)
    extract = processor.process(dump.text)
    gold = dump.gold["documents"]
    assert len(extract.documents) == len(gold)
    for doc, g in zip(extract.documents, gold, strict=True):
        assert doc.title == g["title"]
        assert doc.source == g["source"]
        assert (doc.published_at.isoformat() if doc.published_at else None) == g["published_at"]
        assert doc.body_kind == g["body_kind"]
        for snippet in g["must_include"]:
            assert canonical(snippet) in canonical(doc.body)
        for snippet in g.get("must_include_exact", []):
            assert snippet in doc.body
    bodies = " ".join(canonical(d.body) for d in extract.documents)
    for snippet in dump.gold["must_exclude"]:
        assert canonical(snippet) not in bodies
