"""The fourth blind round (tests/fixtures/holdout4): sites and page kinds not covered before, end to end.

联合早报, 美國之音, 德国之声 (UTF-16), ETtoday (Big5), 東網, 参考消息, a 外交部 press-conference
transcript (GB18030), a daily digest, a 360 news listing and a 小红书 note (UTF-8 with BOM);
annotated before zhnews first ran on them (the README there records the first-run scores and the
fixes). The dumps are ingested as saved at the gold's `saved_at` (their mtime).
"""

from tests.conftest import ROOT, assert_every_document_right, files_and_topics, ingest_annotated

HOLDOUT4 = ROOT / "tests" / "fixtures" / "holdout4"


def test_holdout4_of_unseen_sites_scores_1_0_with_every_document_title_outlet_and_date_right(ingest, tmp_path):
    db, report = ingest_annotated(ingest, HOLDOUT4, tmp_path, min_f1=1.0)
    # the transcript and the digest are one document each; the listing gives one per result
    assert_every_document_right(report, 15)
    files, topics = files_and_topics(db)
    assert files["y10_xiaohongshu_note_bom.txt"][0] == "portal_article"  # not the generic fallback
    assert files["y09_360_news_search.txt"][0].startswith("search_listing")
    assert files["y07_mfa_press_conference_gb18030.txt"][1] in ("gb18030", "gbk", "gb2312")
    assert files["y04_ettoday_big5.txt"][1].startswith("big5")
    assert files["y03_dw_chinese_utf16.txt"][1] == "utf-16"
    assert topics == {"低空经济 无人机配送"}
