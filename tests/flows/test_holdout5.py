"""The fifth blind round (tests/fixtures/holdout5): sites and page kinds not covered before, end to end.

新京报 app article, 南方周末 feature (CRLF), 第一财经 with a video (GB18030), a 澎湃号 post, Yahoo奇摩新聞
(traditional, 12-hour clock), 星島日報 (Big5), a 百度资讯 listing with relative stamps and a WeChat
article; annotated before zhnews first ran on them (the README there records the first-run scores
and the fixes). One failure remains: 南方周末's dek line under the headline is taken as the title.
"""

from tests.conftest import ROOT, files_and_topics, ingest_annotated

HOLDOUT5 = ROOT / "tests" / "fixtures" / "holdout5"


def test_holdout5_of_unseen_sites_finds_every_document_with_outlets_and_dates_right_but_one_title(ingest, tmp_path):
    db, report = ingest_annotated(ingest, HOLDOUT5, tmp_path, min_f1=0.92)
    metrics, counts = report["metrics"], report["counts"]
    assert metrics["precision"] == 1.0, report["problems"]
    assert (counts["docs_gold"], counts["docs_pred"]) == (13, 13)
    # the one known failure: 南方周末's dek line is taken as the title, so that document is unpaired
    assert report["problems"] == ["z02_infzm_feature_crlf.txt: no document for 县城咖啡馆的第三个冬天"]
    assert metrics["source_acc"] >= 0.92 and metrics["date_acc"] >= 0.92, report["problems"]
    files, topics = files_and_topics(db)
    assert files["z07_baidu_news_listing.txt"][0].startswith("search_listing")
    assert files["z03_yicai_video_gb18030.txt"][1] in ("gb18030", "gbk", "gb2312")
    assert files["z06_singtao_hk_big5.txt"][1].startswith("big5")
    assert topics == {"冬季流感 疫苗"}
