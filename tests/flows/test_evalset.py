"""The hand-annotated evaluation set of other sites and layouts (tests/fixtures/evalset), end to end."""

import duckdb

from tests.conftest import ROOT, ingest_annotated

EVALSET = ROOT / "tests" / "fixtures" / "evalset"


def test_evalset_of_unseen_sites_scores_at_least_0_95_with_every_title_outlet_and_date_right(ingest, tmp_path):
    _, report = ingest_annotated(ingest, EVALSET, tmp_path, min_f1=0.95)
    metrics, counts = report["metrics"], report["counts"]
    assert metrics["f1"] >= 0.95, report["problems"]
    assert (counts["docs_gold"], counts["docs_pred"], counts["docs_paired"]) == (20, 20, 20)
    assert metrics["title_acc"] == metrics["source_acc"] == metrics["date_acc"] == 1.0, report["problems"]
    assert metrics["wrap_repair"] == 1.0 and counts["citations"] == 0


def test_traditional_pages_keep_their_script_and_get_a_simplified_body(ingest, tmp_path):
    ingest(sorted(EVALSET.glob("s0[89]*.txt")) + sorted(EVALSET.glob("s1[02]*.txt")), tmp_path)
    con = duckdb.connect(str(tmp_path / "zhnews.duckdb"), read_only=True)
    rows = con.execute(
        "SELECT source, script, title, title_simplified, body, body_simplified FROM documents"
    ).fetchall()
    by_source = {r[0]: r for r in rows}
    _, script, title, title_s, body, body_s = by_source["香港01"]
    assert script == "traditional" and "聖誕" in title and "圣诞" in title_s
    assert "唔止係睇波" in body and "唔止系睇波" in body_s
    assert by_source["外交部"][1:] == (
        "simplified",
        "中国和秘鲁举行第十五轮外交部政治磋商",
        None,
        by_source["外交部"][4],
        None,
    )
