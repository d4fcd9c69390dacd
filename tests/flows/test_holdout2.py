"""The second blind round of unseen sites (tests/fixtures/holdout2), end to end with the real flow.

The dumps were annotated before zhnews first ran on them; the README there records the first-run
scores and what was fixed. The dumps are ingested as saved at the gold's `saved_at` (their mtime),
since the Sogou listing dates its entries relative to that (`3小时前`, `1天前`, `11月18日`).
"""

import duckdb

from tests.conftest import ROOT, assert_every_document_right, ingest_annotated

HOLDOUT2 = ROOT / "tests" / "fixtures" / "holdout2"


def test_holdout2_of_unseen_sites_scores_1_0_with_every_document_title_outlet_and_date_right(ingest, tmp_path):
    db, report = ingest_annotated(ingest, HOLDOUT2, tmp_path, min_f1=1.0)
    assert_every_document_right(report, 16)
    con = duckdb.connect(str(db), read_only=True)
    topics = {t for (t,) in con.execute("SELECT DISTINCT topic FROM sightings WHERE topic IS NOT NULL").fetchall()}
    weibo_author = con.execute(
        "SELECT d.author FROM documents d WHERE d.title = '冬季流感高峰将至，这几点防护建议请收好'"
    ).fetchone()[0]
    con.close()
    assert topics == {"新能源汽车下乡"}  # the query above 搜文章, not the logo 搜狗搜索
    assert weibo_author is None  # the account card (头条文章 / 健康科普君 / +关注) is no byline


def test_two_pages_pasted_into_one_dump_are_two_documents_and_a_gbk_crlf_page_is_decoded(ingest, tmp_path):
    names = ["h04_baijiahao_gbk_crlf.txt", "h09_chinanews_two_articles_crlf.txt"]
    ingest([HOLDOUT2 / name for name in names], tmp_path)
    con = duckdb.connect(str(tmp_path / "zhnews.duckdb"), read_only=True)
    rows = con.execute(
        """SELECT regexp_extract(f.path, '[^/]+$'), f.encoding, s.ordinal, d.title, d.source
           FROM sightings s JOIN documents d USING (doc_id) JOIN files f USING (file_id)
           ORDER BY 1, s.ordinal"""
    ).fetchall()
    assert [(name, ordinal, title, source) for name, _, ordinal, title, source in rows] == [
        (names[0], 1, "新能源车企扎堆建超充站 一座超充站一年能赚多少钱", "车圈老王说"),
        (names[1], 1, "前10月全国快递业务量突破1600亿件", "中国新闻网"),
        (names[1], 2, "北方多地提前供暖 热力企业加强巡检保障", "中国新闻网"),
    ]
    assert rows[0][1] in ("gb18030", "gbk", "gb2312")
