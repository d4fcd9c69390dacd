"""The fifth blind round (tests/fixtures/holdout5): sites and page kinds not covered before, end to end.

新京报 app article, 南方周末 feature (CRLF), 第一财经 with a video (GB18030), a 澎湃号 post, Yahoo奇摩新聞
(traditional, 12-hour clock), 星島日報 (Big5), a 百度资讯 listing with relative stamps and a WeChat
article; annotated before zhnews first ran on them (the README there records the first-run scores
and the fixes). One failure remains, marked as expected: 南方周末's dek line under the headline is
taken as the title.
"""

import pytest

from tests.conftest import ROOT, files_and_topics, ingest_annotated

HOLDOUT5 = ROOT / "tests" / "fixtures" / "holdout5"


@pytest.fixture(scope="module")
def scored(prefect_harness, tmp_path_factory):
    """The holdout ingested as saved, and the shared scorer's report on it."""
    from zhnews.flows.ingest import ingest_flow

    def ingest(paths, data_dir, **options):
        return ingest_flow(paths=[str(p) for p in paths], data_dir=str(data_dir), **options)

    return ingest_annotated(ingest, HOLDOUT5, tmp_path_factory.mktemp("holdout5"), min_f1=0.92)


def test_holdout5_of_unseen_sites_finds_every_document_with_outlets_and_dates_right(scored):
    db, report = scored
    metrics, counts = report["metrics"], report["counts"]
    assert metrics["precision"] == 1.0, report["problems"]
    assert (counts["docs_gold"], counts["docs_pred"]) == (13, 13)
    assert [p for p in report["problems"] if not p.startswith("z02_infzm_feature_crlf.txt:")] == []
    assert metrics["source_acc"] >= 0.92 and metrics["date_acc"] >= 0.92, report["problems"]
    files, topics = files_and_topics(db)
    assert files["z07_baidu_news_listing.txt"][0].startswith("search_listing")
    assert files["z03_yicai_video_gb18030.txt"][1] in ("gb18030", "gbk", "gb2312")
    assert files["z06_singtao_hk_big5.txt"][1].startswith("big5")
    assert topics == {"冬季流感 疫苗"}


@pytest.mark.xfail(
    strict=True,
    reason="z02 (南方周末): the dek line under the headline is taken as the title, so that document is unpaired",
)
def test_holdout5_pairs_every_document_with_its_gold_title(scored):
    _, report = scored
    assert report["problems"] == []
