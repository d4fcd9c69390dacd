"""Text analytics end to end: real ingest of the seeds (plus an edited repost and a listing snippet of
two seed articles), then ranked search, stories and every BI view on the DuckDB file."""

import json
import subprocess
import sys

import duckdb
import pytest

from tests.conftest import ROOT, SAMPLES, run_cli

NATO_ARTICLE = SAMPLES / "004_cf763c7a10aeb221.txt"
NUCLEAR_ARTICLE = SAMPLES / "002_842cd329f54bcaf9.txt"
NATO_TITLE = "北约秘书长致电高市早苗,宣布与日本强化安全合作,日本迎来“最强援助”?"
NUCLEAR_TITLE = "日媒:美国将首次以文件形式承诺用包括核武器在内的力量保护日本"


def edited_repost(text: str) -> str:
    """Another site's copy of an article: new title and date, a few words and the ending changed."""
    lines = text.splitlines()
    lines[0] = "转载：" + lines[0].replace("最强援助", "强力援助")
    lines[2] = "2025-12-03 08:15:00"
    body = "\n".join(lines).replace("似乎", "看来").replace("无疑", "显然")
    return body + "\n\n（本文转载自网络，如有侵权请联系删除）\n"


def listing_with_snippet(article: str) -> str:
    """A search listing whose first entry is the start of `article` under another outlet."""
    paragraphs = [p for p in article.splitlines()[5:] if p.strip()]
    snippet = " ".join(paragraphs)[:160]
    return (
        "美日同盟\nSearch documents\n"
        f"{NUCLEAR_TITLE}\nGuan Cha Zhe Wang· 2025-03-15 08:00\n{snippet} ...\n"
        "日本央行维持利率不变\nXin Lang Cai Jing· 2025-03-16 09:00\n"
        "日本央行周五宣布维持短期利率不变,符合市场预期,日元汇率小幅波动。分析人士认为,央行仍在观察通胀走势。\n"
    )


@pytest.fixture(scope="module")
def warehouse(prefect_harness, tmp_path_factory):
    """Seeds + copies, ingested by the real flow; yields the data dir."""
    from zhnews.flows.ingest import ingest_flow

    root = tmp_path_factory.mktemp("analytics")
    copies = root / "copies"
    copies.mkdir()
    (copies / "repost.txt").write_text(edited_repost(NATO_ARTICLE.read_text(encoding="utf-8")), encoding="utf-8")
    (copies / "listing.txt").write_text(
        listing_with_snippet(NUCLEAR_ARTICLE.read_text(encoding="utf-8")), encoding="utf-8"
    )
    summary = ingest_flow(paths=[str(SAMPLES), str(copies)], data_dir=str(root / "data"))
    assert summary.files_loaded == 7 and not summary.quarantined
    return root / "data"


@pytest.fixture
def con(warehouse):
    connection = duckdb.connect(str(warehouse / "zhnews.duckdb"), read_only=True)
    connection.execute("SET TimeZone = 'Asia/Shanghai'")
    yield connection
    connection.close()


def top_titles(con, query: str, n: int = 3, synonyms: bool = False) -> list[str]:
    from zhnews.flows.config import load_segmenter, load_synonyms
    from zhnews.flows.search import query_terms, search, with_synonyms

    terms = with_synonyms(query_terms(load_segmenter(), query), load_synonyms() if synonyms else {})
    return [h.title for h in search(con, terms, limit=n)]


def test_every_document_has_terms_keywords_and_a_signature(con):
    counts = con.execute(
        """SELECT count(*), count(DISTINCT t.doc_id), count(DISTINCT k.doc_id), count(DISTINCT s.doc_id)
           FROM documents d LEFT JOIN doc_terms t USING (doc_id) LEFT JOIN doc_keywords k USING (doc_id)
           LEFT JOIN doc_signatures s USING (doc_id)"""
    ).fetchone()
    documents = con.execute("SELECT count(*) FROM documents").fetchone()[0]
    assert counts[1:] == (documents, documents, documents)
    assert con.execute("SELECT count(*) FROM doc_signatures WHERE len(minhash) <> 128").fetchone()[0] == 0


def test_user_dictionary_names_are_single_terms_in_the_warehouse(con):
    terms = {t for (t,) in con.execute("SELECT DISTINCT term FROM doc_terms").fetchall()}
    assert {"高市早苗", "特朗普", "日美同盟", "美日同盟", "北约", "石破茂", "吕特"} <= terms
    assert "早苗" not in terms
    in_title = con.execute(
        "SELECT in_title, tf FROM doc_terms JOIN documents USING (doc_id) WHERE title = ? AND term = '北约'",
        [NATO_TITLE],
    ).fetchone()
    assert in_title[0] is True and in_title[1] >= 5


def test_searching_the_alliance_finds_the_articles_about_it_first(con):
    top = top_titles(con, "日美同盟", 50)
    assert top[0] == "日本首相石破茂:确认将进一步巩固日美同盟关系。"
    mentioning = con.execute(
        "SELECT title FROM documents WHERE coalesce(title, '') || body LIKE '%日美同盟%'"
    ).fetchall()
    assert sorted(top, key=str) == sorted((t for (t,) in mentioning), key=str)  # all of them and only them


def test_with_synonyms_the_alliance_also_finds_documents_that_write_it_the_other_way_round(con):
    top = top_titles(con, "日美同盟", 50, synonyms=True)
    assert top[0] == "日本首相石破茂:确认将进一步巩固日美同盟关系。"
    assert "外交部:美日同盟是冷战产物 不应针对第三方" in top[:3]
    mentioning = con.execute(
        "SELECT title FROM documents WHERE regexp_matches(coalesce(title, '') || body, '日美同盟|美日同盟')"
    ).fetchall()
    assert sorted(top, key=str) == sorted((t for (t,) in mentioning), key=str)


def test_synonyms_count_as_one_term_in_sql(con):
    both = con.execute(
        "SELECT matched_terms, terms FROM zh_search(zh_query('日美同盟|美日同盟')) WHERE len(terms) = 2"
    ).fetchall()
    assert both and all(matched == 1 and terms == ["日美同盟", "美日同盟"] for matched, terms in both)


def test_searching_takaichi_and_trump_ranks_documents_about_both_first(con):
    hits = con.execute(
        """SELECT d.title, z.matched_terms FROM zh_search(zh_query('高市早苗 特朗普')) z JOIN documents d USING (doc_id)
           ORDER BY z.score DESC LIMIT 5"""
    ).fetchall()
    assert all(matched == 2 for _, matched in hits)
    assert {title for title, _ in hits[:2]} == {
        "通话后,高市都笑裂了,特朗普转头就见驻华大使",
        "参考消息:高市早苗面临艰难抉择",
    }


def test_searching_nato_puts_the_nato_article_and_its_repost_first(con):
    top = top_titles(con, "北约", 3)
    assert set(top[:2]) == {NATO_TITLE, "转载：" + NATO_TITLE.replace("最强援助", "强力援助")}


def test_search_filters_by_outlet_and_date(con):
    from zhnews.flows.config import load_segmenter
    from zhnews.flows.search import query_terms, search

    terms = query_terms(load_segmenter(), "特朗普")
    hits = search(con, terms, limit=50, source="日经中文网")
    assert hits and {h.source for h in hits} == {"日经中文网"}
    import datetime as dt

    recent = search(con, terms, limit=50, since=dt.date(2026, 1, 1))
    assert recent and all(h.published_at >= "2026-01-01" for h in recent)
    assert len(recent) < len(search(con, terms, limit=50))


def test_the_cli_prints_json_for_scripts_and_a_table_for_people(warehouse):
    query = ("search", "高市早苗 特朗普", "--data-dir", warehouse, "-n", "3")
    proc = run_cli(*query, "--json", timeout=120)
    assert proc.returncode == 0, proc.stderr
    hits = json.loads(proc.stdout)
    assert len(hits) == 3
    assert {"doc_id", "title", "source", "published_at", "score"} <= set(hits[0])
    assert hits[0]["score"] >= hits[1]["score"] >= hits[2]["score"]
    assert "高市早苗" in hits[0]["snippet"] or "特朗普" in hits[0]["snippet"]
    table = run_cli(*query, "--source", "新浪财经", timeout=120)
    assert table.returncode == 0, table.stderr
    assert "新浪财经" in table.stdout and "BM25" in table.stdout and "高市" in table.stdout


def test_the_cli_says_clearly_when_a_query_has_no_words(warehouse):
    proc = run_cli("search", "的了，", "--data-dir", str(warehouse), timeout=120)
    assert proc.returncode == 2 and "no searchable words" in proc.stderr and "Traceback" not in proc.stderr


def test_an_edited_repost_and_a_listing_snippet_join_their_articles_stories(con):
    stories = con.execute(
        """SELECT st.story_id, list(d.title ORDER BY d.title), list(st.relation ORDER BY d.title)
           FROM doc_stories st JOIN documents d USING (doc_id) GROUP BY st.story_id"""
    ).fetchall()
    by_titles = {tuple(titles): relations for _, titles, relations in stories}
    repost = "转载：" + NATO_TITLE.replace("最强援助", "强力援助")
    assert tuple(sorted([NATO_TITLE, repost])) in by_titles
    assert sorted(by_titles[tuple(sorted([NATO_TITLE, repost]))]) == ["first", "repost"]
    assert (NUCLEAR_TITLE, NUCLEAR_TITLE) in by_titles  # the full page and the 观察者网 snippet
    assert len(stories) == 2  # nothing else in the seeds is a copy of anything


def test_v_documents_has_one_row_per_document_with_file_date_and_keywords(con):
    rows = con.execute(
        "SELECT doc_id, first_seen_file, published_date, keywords, story_id, sightings FROM v_documents"
    ).fetchall()
    assert len(rows) == con.execute("SELECT count(*) FROM documents").fetchone()[0] == len({r[0] for r in rows})
    nato = con.execute(
        "SELECT first_seen_file, published_date, keywords, story_id FROM v_documents WHERE title = ?", [NATO_TITLE]
    ).fetchone()
    assert nato[0].endswith("004_cf763c7a10aeb221.txt") and str(nato[1]) == "2025-12-02"
    assert "北约" in nato[2][:5] and nato[3] is not None


def test_v_daily_by_source_counts_documents_per_beijing_day(con):
    rows = con.execute("SELECT day, source, documents FROM v_daily_by_source ORDER BY day").fetchall()
    assert sum(r[2] for r in rows) == con.execute("SELECT count(*) FROM documents").fetchone()[0]
    late = con.execute(
        "SELECT day FROM v_daily_by_source WHERE source = '新浪财经' AND day = DATE '2026-01-04'"
    ).fetchall()
    assert late  # 2026-01-04 15:36 Beijing time


def test_v_term_trends_counts_a_term_per_week(con):
    rows = con.execute(
        "SELECT week, documents, occurrences FROM v_term_trends WHERE term = '特朗普' ORDER BY week"
    ).fetchall()
    assert rows and all(r[0].weekday() == 0 for r in rows)  # weeks start on Monday
    assert all(r[2] >= r[1] >= 1 for r in rows)
    total = con.execute(
        "SELECT count(*) FROM doc_terms JOIN documents USING (doc_id) WHERE term = '特朗普' AND published_at IS NOT NULL"
    ).fetchone()[0]
    assert sum(r[1] for r in rows) == total


def test_v_stories_lists_outlets_and_first_and_last_dates(con):
    rows = con.execute(
        "SELECT title, documents, outlets, first_published, last_published, min_similarity FROM v_stories ORDER BY title"
    ).fetchall()
    assert len(rows) == 2
    nuclear = next(r for r in rows if r[0] == NUCLEAR_TITLE)
    assert nuclear[1] == 2 and nuclear[2] == ["观察者网"] and nuclear[3] < nuclear[4]
    assert all(0.6 <= r[5] <= 1.0 for r in rows)


def test_the_jieba_engine_builds_the_same_terms_as_rjieba(warehouse, tmp_path, prefect_harness):
    from zhnews.flows.ingest import ingest_flow

    ingest_flow(paths=[str(SAMPLES)], data_dir=str(tmp_path), segmenter="jieba")
    query = "SELECT doc_id, term, tf, in_title FROM doc_terms WHERE doc_id IN (SELECT doc_id FROM sightings s JOIN files f USING (file_id) WHERE f.path LIKE '%/samples/%') ORDER BY ALL"
    reference = duckdb.connect(str(tmp_path / "zhnews.duckdb"), read_only=True)
    fast = duckdb.connect(str(warehouse / "zhnews.duckdb"), read_only=True)
    assert reference.execute(query).fetchall() == fast.execute(query).fetchall()
    keywords = "SELECT doc_id, keyword, rank FROM doc_keywords WHERE doc_id IN (SELECT doc_id FROM sightings s JOIN files f USING (file_id) WHERE f.path LIKE '%/samples/%') ORDER BY ALL"
    assert reference.execute(keywords).fetchall() == fast.execute(keywords).fetchall()


def readme_block(after: str, language: str) -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index(f"```{language}\n", readme.index(after)) + len(language) + 4
    return readme[start : readme.index("```", start)]


def test_the_readme_story_query_runs_as_written(con):
    rows = con.execute(readme_block("**Near-duplicate stories, biggest first**", "sql")).fetchall()
    assert len(rows) == 2 and all(r[1] == 2 for r in rows)


def test_a_bi_tool_opens_the_warehouse_with_the_readme_sqlalchemy_url(warehouse):
    code = readme_block("**Connecting a BI tool.**", "python") + "print(len(rows))\n"
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=warehouse.parent, timeout=120, check=False
    )
    assert proc.returncode == 0, proc.stderr
    assert int(proc.stdout.strip()) > 5


def test_reindex_with_unchanged_dictionaries_gives_back_what_ingest_stored(warehouse, tmp_path):
    import shutil

    data = tmp_path / "data"
    shutil.copytree(warehouse, data)
    queries = {
        "doc_terms": "SELECT doc_id, term, tf, in_title FROM doc_terms ORDER BY ALL",
        "doc_keywords": "SELECT doc_id, keyword, round(weight, 9), rank FROM doc_keywords ORDER BY ALL",
        "doc_signatures": "SELECT doc_id, term_count, shingles, minhash FROM doc_signatures ORDER BY ALL",
    }

    def analytics():
        with duckdb.connect(str(data / "zhnews.duckdb"), read_only=True) as c:
            return {table: c.execute(sql).fetchall() for table, sql in queries.items()}

    ingested = analytics()
    assert all(ingested.values())
    proc = run_cli("reindex", "--data-dir", str(data))
    assert proc.returncode == 0, proc.stderr
    assert analytics() == ingested


def test_reindex_applies_an_edited_user_dictionary_to_documents_already_loaded(warehouse, tmp_path):
    import shutil

    data = tmp_path / "data"
    shutil.copytree(warehouse, data)
    words = tmp_path / "words"
    words.mkdir()
    (words / "userdict-people.txt").write_text("周永生 nr\n", encoding="utf-8")
    db = data / "zhnews.duckdb"

    def has_term(term):
        with duckdb.connect(str(db), read_only=True) as c:
            return c.execute("SELECT count(*) FROM doc_terms WHERE term = ?", [term]).fetchone()[0]

    assert has_term("周永生") == 0
    with duckdb.connect(str(db), read_only=True) as c:
        documents = c.execute("SELECT count(*) FROM documents").fetchone()[0]
    proc = run_cli("reindex", "--data-dir", str(data), "--profiles", str(words))
    assert proc.returncode == 0, proc.stderr
    assert f"re-segmented {documents} documents" in proc.stdout
    assert has_term("周永生") == 1
    with duckdb.connect(str(db), read_only=True) as c:
        assert c.execute("SELECT count(*) FROM doc_signatures").fetchone()[0] == documents
        assert c.execute("SELECT count(DISTINCT story_id) FROM doc_stories").fetchone()[0] == 2
