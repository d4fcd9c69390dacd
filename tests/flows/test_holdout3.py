"""The third blind round (tests/fixtures/holdout3): page kinds not covered before, end to end.

Flash-news feeds, financial article pages, a forum post with replies, a Toutiao search listing, a
网易号 page, a Big5 Hong Kong daily and a page saved twice; annotated before zhnews first ran on
them (the README there records the first-run scores and the fixes). The dumps are ingested as
saved at the gold's `saved_at` (their mtime): feeds, listings and forum stamps are read against it.
"""

import duckdb

from tests.conftest import ROOT, assert_every_document_right, ingest_annotated

HOLDOUT3 = ROOT / "tests" / "fixtures" / "holdout3"


def test_holdout3_of_new_page_kinds_scores_1_0_with_every_document_title_outlet_and_date_right(ingest, tmp_path):
    db, report = ingest_annotated(ingest, HOLDOUT3, tmp_path, min_f1=1.0)
    # the page saved twice is one document, so as many documents as the gold has
    assert_every_document_right(report, 24)
    con = duckdb.connect(str(db), read_only=True)
    layouts = dict(con.execute("SELECT regexp_extract(path, '[^/]+$'), layout FROM files").fetchall())
    encodings = dict(con.execute("SELECT regexp_extract(path, '[^/]+$'), encoding FROM files").fetchall())
    topics = {t for (t,) in con.execute("SELECT DISTINCT topic FROM sightings WHERE topic IS NOT NULL").fetchall()}
    con.close()
    assert layouts["x01_sina_finance_7x24.txt"] == layouts["x02_cls_telegraph_gb18030.txt"] == "flash_feed"
    assert encodings["x02_cls_telegraph_gb18030.txt"] in ("gb18030", "gbk", "gb2312")
    assert encodings["x09_mingpao_big5.txt"].startswith("big5")
    assert topics == {"城市更新 地下管网"}
