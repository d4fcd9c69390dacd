"""`zhnews explain FILE`: every line of a dump with what the pipeline did to it, as ingest stores it."""

import datetime as dt
import json

import duckdb
import pytest
from typer.testing import CliRunner
from zhnews.flows.cli import app
from zhnews.transforms.decode import decode_dump
from zhnews.transforms.explain import explain_lines

from tests.conftest import ROOT, SAMPLES, run_cli

EVALSET = ROOT / "tests" / "fixtures" / "evalset"
DUMPS = sorted(SAMPLES.glob("*.txt")) + sorted(EVALSET.glob("*.txt"))
# the hand-made fixtures; the real-page copies (scored by test_realpages) and the seeds (= samples/) apart
FIXTURE_DUMPS = sorted(SAMPLES.glob("*.txt")) + sorted(
    p for p in (ROOT / "tests" / "fixtures").rglob("*.txt") if not {"realpages", "seeds"} & set(p.parts)
)


@pytest.mark.parametrize("path", DUMPS, ids=lambda p: p.name)
def test_every_line_of_every_test_dump_is_kept_moved_or_removed_by_a_named_rule(processor, path):
    text = decode_dump(path.read_bytes()).text
    verdicts = explain_lines(text, processor.process(text))
    assert len(verdicts) == len(text.split("\n"))
    assert [v for v in verdicts if v.status == "unaccounted"] == []
    assert all(v.rule for v in verdicts if v.status != "blank")
    assert any(v.status == "kept" for v in verdicts)


def test_explain_shows_the_same_rules_the_warehouse_records_in_removed_lines(ingest, tmp_path, processor):
    dump = EVALSET / "s04_tencent_news_article.txt"
    ingest([dump], tmp_path)
    con = duckdb.connect(str(tmp_path / "zhnews.duckdb"), read_only=True)
    stored = set(con.execute("SELECT line_no, rule FROM removed_lines").fetchall())
    text = decode_dump(dump.read_bytes()).text
    shown = {
        (v.line_no, v.rule) for v in explain_lines(text, processor.process(text)) if v.status in ("field", "removed")
    }
    assert shown == stored


def test_cli_explain_prints_each_line_with_its_verdict_and_rule():
    proc = run_cli("explain", str(EVALSET / "s05_wechat_original_bom.txt"), timeout=120)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert any("field:title" in line and "42支球队" in line for line in lines)
    assert any("removed" in line and "wechat:reader_chrome" in line and "预览时标签不可点" in line for line in lines)
    assert any("kept" in line and "doc 1" in line and "11月29日晚" in line for line in lines)
    assert "doc 1: 42支球队" in proc.stdout and "沪上体育汇" in proc.stdout


def test_cli_explain_ranks_each_header_fields_candidates_with_the_features_that_decided():
    proc = run_cli("explain", "--json", str(ROOT / "tests/fixtures/holdout2/h03_caixin_paywall.txt"), timeout=120)
    assert proc.returncode == 0, proc.stderr
    (doc,) = json.loads(proc.stdout)["documents"]
    ranked = doc["header_candidates"]
    assert set(ranked) == {"title", "date", "outlet"}
    for candidates in ranked.values():
        scores = [c["score"] for c in candidates]
        assert candidates and scores == sorted(scores, reverse=True)
        assert all(c["decided_by"] and isinstance(c["line_no"], int) for c in candidates)
    best_title, runner_up = ranked["title"][:2]
    assert best_title["text"] == doc["title"] == "城商行三季度净息差再收窄 多家银行下调存款利率"
    assert best_title["by_rules"] and not runner_up["by_rules"]
    assert ranked["outlet"][0]["text"] == doc["source"] == "财新"
    assert dt.datetime.fromisoformat(doc["published_at"]) == dt.datetime.fromisoformat("2025-11-20T19:03:00+08:00")


@pytest.fixture(scope="module")
def fixture_warehouse(prefect_harness, tmp_path_factory):
    """Every fixture dump ingested in one run (one batch: each dump counted with all the others)."""
    from zhnews.flows.ingest import ingest_flow

    data = tmp_path_factory.mktemp("fixtures") / "data"
    summary = ingest_flow(paths=[str(p) for p in FIXTURE_DUMPS], data_dir=str(data))
    assert summary.files_loaded == len(FIXTURE_DUMPS)
    return data


def stored(data_dir, path):
    """What the warehouse holds for one file: its removed lines (line, rule) and its documents."""
    with duckdb.connect(str(data_dir / "zhnews.duckdb"), read_only=True) as con:
        (file_id,) = con.execute("SELECT file_id FROM files WHERE path = ?", [str(path.resolve())]).fetchone()
        removed = con.execute(
            "SELECT line_no, rule FROM removed_lines WHERE file_id = ? ORDER BY ALL", [file_id]
        ).fetchall()
        documents = con.execute(
            "SELECT s.ordinal, d.doc_id, d.title, d.source, d.published_at"
            " FROM sightings s JOIN documents d USING (doc_id) WHERE s.file_id = ? ORDER BY s.ordinal",
            [file_id],
        ).fetchall()
    return removed, documents


@pytest.mark.parametrize("path", FIXTURE_DUMPS, ids=lambda p: str(p.relative_to(ROOT)))
def test_explain_shows_what_ingest_stored_for_every_fixture_dump(fixture_warehouse, path):
    """With the warehouse's corpus counts and the file's saving time, explain removes the same lines by
    the same rules and finds the same documents (title, outlet, date) as the ingest that stored them."""
    result = CliRunner().invoke(app, ["explain", str(path), "--data-dir", str(fixture_warehouse), "--json"])
    assert result.exit_code == 0, result.output
    shown = json.loads(result.stdout)
    removed, documents = stored(fixture_warehouse, path)
    assert sorted((v["line_no"], v["rule"]) for v in shown["lines"] if v["status"] in ("field", "removed")) == removed
    assert [
        (
            d["ordinal"],
            d["doc_id"],
            d["title"],
            d["source"],
            d["published_at"] and dt.datetime.fromisoformat(d["published_at"]),
        )
        for d in shown["documents"]
    ] == documents
