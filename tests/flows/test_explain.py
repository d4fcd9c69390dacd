"""`zhnews explain FILE`: every line of a dump with what the pipeline did to it."""

import duckdb
import pytest
from zhnews.transforms.decode import decode_dump
from zhnews.transforms.explain import explain_lines

from tests.conftest import ROOT, SAMPLES, run_cli

EVALSET = ROOT / "tests" / "fixtures" / "evalset"
DUMPS = sorted(SAMPLES.glob("*.txt")) + sorted(EVALSET.glob("*.txt"))


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
