"""`zhnews report`: one HTML file whose charts carry the warehouse's numbers and that loads nothing from the network."""

import base64
import io
import json
import re
import shutil
from html import escape as html_escape
from html import unescape
from html.parser import HTMLParser

import duckdb
import pytest
from fontTools.ttLib import TTFont
from plotly.offline import get_plotlyjs
from zhnews.reports.build import build_report

from tests.conftest import ROOT, SAMPLES, run_cli

EVALSET = ROOT / "tests" / "fixtures" / "evalset"
CHARTS = ("documents-per-day", "top-terms", "removed-by-rule", "removed-by-site", "layouts", "encodings", "stories")


@pytest.fixture(scope="module")
def warehouse(prefect_harness, tmp_path_factory):
    """A warehouse of the seeds, the evaluation dumps and one file that cannot be loaded."""
    from zhnews.flows.ingest import ingest_flow

    root = tmp_path_factory.mktemp("report")
    inbox = root / "inbox"
    shutil.copytree(SAMPLES, inbox / "seeds")
    shutil.copytree(EVALSET, inbox / "eval", ignore=shutil.ignore_patterns("*.json", "*.md"))
    (inbox / "empty.txt").write_bytes(b"")
    ingest_flow(paths=[str(inbox)], data_dir=str(root / "data"))
    # a repost: the same article under a slightly different title, so one story has two documents
    article = EVALSET / "s01_sohu_article.txt"
    with duckdb.connect(str(root / "data" / "zhnews.duckdb"), read_only=True) as con:
        (title,) = con.execute(
            "SELECT d.title FROM documents d JOIN sightings USING (doc_id) JOIN files f USING (file_id)"
            " WHERE f.path LIKE '%s01_sohu_article.txt'"
        ).fetchone()
    text = article.read_text(encoding="utf-8").replace(title, title + "（转载）", 1)
    (inbox / "repost.txt").write_text(text, encoding="utf-8")
    ingest_flow(paths=[str(inbox)], data_dir=str(root / "data"))
    return root / "data"


@pytest.fixture(scope="module")
def report(warehouse):
    """(HTML text, open read-only connection) for the report of `warehouse`."""
    out = build_report(warehouse, warehouse.parent / "out" / "report.html")
    con = duckdb.connect(str(warehouse / "zhnews.duckdb"), read_only=True)
    con.execute("SET TimeZone = 'Asia/Shanghai'")
    yield out.read_text(encoding="utf-8"), con
    con.close()


def chart_data(html: str, chart: str) -> list[dict]:
    """The traces plotted in the chart `chart` (the JSON passed to Plotly.newPlot)."""
    match = re.search(rf'Plotly\.newPlot\(\s*"chart-{chart}",\s*', html)
    assert match, f"the report has no chart {chart!r}"
    traces, _ = json.JSONDecoder().raw_decode(html, match.end())
    return traces


def section(html: str, key: str) -> str:
    match = re.search(rf'<section id="{key}" data-status="(\w+)".*?</section>', html, re.S)
    assert match, f"the report has no section {key!r}"
    return match.group(0)


def test_every_chart_is_drawn_from_plain_data(report):
    html, _ = report
    for chart in CHARTS:
        traces = chart_data(html, chart)
        assert traces and all("bdata" not in json.dumps(t) for t in traces), chart


def test_documents_per_period_add_up_to_the_dated_documents_by_outlet(report):
    html, con = report
    traces = chart_data(html, "documents-per-day")
    plotted = {t["name"]: sum(t["y"]) for t in traces}
    by_outlet = dict(
        con.execute(
            "SELECT source, count(*) FROM documents WHERE published_at IS NOT NULL AND source IS NOT NULL GROUP BY ALL"
        ).fetchall()
    )
    assert (
        sum(plotted.values())
        == con.execute("SELECT count(*) FROM documents WHERE published_at IS NOT NULL").fetchone()[0]
    )
    top_outlet = max(by_outlet, key=lambda o: (by_outlet[o], o))
    assert plotted[top_outlet] == by_outlet[top_outlet]
    undated = con.execute("SELECT count(*) FROM documents WHERE published_at IS NULL").fetchone()[0]
    assert f"Not drawn: {undated} without a publication time." in section(html, "documents-per-day")


def test_boilerplate_charts_count_every_removed_line_by_rule_and_site(report):
    html, con = report
    (by_rule,) = chart_data(html, "removed-by-rule")
    expected = con.execute(
        "SELECT rule, count(*) FROM removed_lines GROUP BY rule ORDER BY 2 DESC, 1 LIMIT 25"
    ).fetchall()
    assert dict(zip(by_rule["y"], by_rule["x"], strict=True)) == dict(expected)
    by_site = chart_data(html, "removed-by-site")
    assert sum(sum(t["x"]) for t in by_site) == con.execute("SELECT count(*) FROM removed_lines").fetchone()[0]
    assert {t["name"] for t in by_site} == {
        r[0] for r in con.execute("SELECT DISTINCT regexp_replace(rule, ':.*$', '') FROM removed_lines").fetchall()
    }


@pytest.mark.parametrize("column, chart", [("layout", "layouts"), ("encoding", "encodings")])
def test_layout_and_encoding_charts_count_the_files(report, column, chart):
    html, con = report
    plotted: dict[str, int] = {}
    for trace in chart_data(html, chart):
        for value, files in zip(trace["x"], trace["y"], strict=True):
            plotted[value] = plotted.get(value, 0) + files
    expected = con.execute(f"SELECT coalesce({column}, '(none)'), count(*) FROM files GROUP BY ALL").fetchall()
    assert plotted == dict(expected) and len(plotted) >= 3


def test_quarantined_files_are_listed_with_their_reason(report):
    html, con = report
    rows = con.execute("SELECT path, reason FROM files WHERE status = 'quarantined'").fetchall()
    part = section(html, "quarantined")
    assert rows and f"Quarantined files ({len(rows)})" in part
    for path, reason in rows:
        assert path in part and reason in part


def test_sections_whose_tables_are_missing_say_so(warehouse, tmp_path):
    old = tmp_path / "old"
    old.mkdir()
    shutil.copy(warehouse / "zhnews.duckdb", old / "zhnews.duckdb")
    con = duckdb.connect(str(old / "zhnews.duckdb"))
    for view in ("v_term_trends", "v_stories"):
        con.execute(f"DROP VIEW IF EXISTS {view} CASCADE")
    con.close()
    html = build_report(old, tmp_path / "report.html").read_text(encoding="utf-8")
    for key in ("top-terms", "stories"):
        part = section(html, key)
        assert 'data-status="unavailable"' in part and "Not available in this warehouse" in part
    assert 'data-status="ok"' in section(html, "documents-per-day")


class ResourceFinder(HTMLParser):
    """Collects every attribute that would make a browser fetch something."""

    def __init__(self):
        super().__init__()
        self.fetched: list[str] = []
        self.scripts_with_src: list[str] = []
        self.styles: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        for name in ("src", "href", "srcset", "data", "poster", "background"):
            value = (attrs.get(name) or "").strip()
            if value and not value.startswith(("#", "data:")):
                self.fetched.append(f"<{tag} {name}={value}>")
        if tag == "script" and attrs.get("src"):
            self.scripts_with_src.append(attrs["src"])
        self._in_style = tag == "style"

    def handle_endtag(self, tag):
        self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.styles.append(data)


def test_the_report_loads_nothing_from_outside_the_file(report):
    html, _ = report
    finder = ResourceFinder()
    finder.feed(html)
    assert finder.fetched == [] and finder.scripts_with_src == []
    css = "".join(finder.styles)
    assert css and "@import" not in css and not re.search(r"url\(\s*['\"]?(https?:)?//", css)
    assert "Plotly.newPlot" in html and len(html) > 1_000_000  # plotly.js itself is inside the file


def test_cli_writes_the_report_and_explains_a_missing_warehouse(warehouse, tmp_path):
    done = run_cli("report", "--data-dir", warehouse, "--out", tmp_path / "r.html", timeout=120)
    assert done.returncode == 0, done.stderr
    assert "Plotly.newPlot" in (tmp_path / "r.html").read_text(encoding="utf-8")
    missing = run_cli("report", "--data-dir", tmp_path / "nowhere", timeout=120)
    assert missing.returncode == 2 and "no warehouse at" in missing.stderr and "Traceback" not in missing.stderr


def test_a_section_whose_query_fails_shows_the_error_and_the_rest_is_drawn(warehouse, tmp_path):
    odd = tmp_path / "odd"
    odd.mkdir()
    shutil.copy(warehouse / "zhnews.duckdb", odd / "zhnews.duckdb")
    con = duckdb.connect(str(odd / "zhnews.duckdb"))
    con.execute("CREATE OR REPLACE VIEW v_term_trends AS SELECT 1 AS unrelated")  # another version's view
    con.close()
    html = build_report(odd, tmp_path / "report.html").read_text(encoding="utf-8")
    part = section(html, "top-terms")
    assert 'data-status="unavailable"' in part and "Could not be drawn" in part
    assert "Binder Error" in part
    for chart in CHARTS:
        if chart != "top-terms":
            assert chart_data(html, chart)


def test_top_terms_heatmap_shows_the_weekly_document_counts_of_v_term_trends(report):
    html, con = report
    (heat,) = chart_data(html, "top-terms")
    weeks = con.execute("SELECT DISTINCT week FROM v_term_trends ORDER BY week DESC LIMIT 12").fetchall()
    assert sorted(heat["x"]) == sorted(w.isoformat() for (w,) in weeks)
    totals = dict(
        con.execute(
            "SELECT term, sum(documents) FROM v_term_trends WHERE week IN (SELECT unnest(?::DATE[])) GROUP BY term",
            [heat["x"]],
        ).fetchall()
    )
    shown = {term: sum(row) for term, row in zip(heat["y"], heat["z"], strict=True)}
    assert all(totals[term] == total for term, total in shown.items())
    words = {t: n for t, n in totals.items() if len(t) >= 2 and not re.fullmatch(r"[0-9.,:%年月日号时分]+", t)}
    assert min(shown.values()) >= max(n for term, n in words.items() if term not in shown)  # the top words
    assert list(shown.values()) == sorted(shown.values(), reverse=True)  # most used first
    plotted = {
        (t, w): n for t, row in zip(heat["y"], heat["z"], strict=True) for w, n in zip(heat["x"], row, strict=True) if n
    }
    stored = con.execute(
        "SELECT term, CAST(week AS VARCHAR), documents FROM v_term_trends WHERE term IN (SELECT unnest(?)) AND week IN (SELECT unnest(?::DATE[]))",
        [heat["y"], heat["x"]],
    ).fetchall()
    assert plotted == {(t, w): n for t, w, n in stored} and len(heat["y"]) == 20


def test_near_duplicate_stories_are_charted_and_listed_with_their_documents(report):
    html, con = report
    stories = con.execute(
        "SELECT story_id, title, documents FROM v_stories WHERE documents >= 2 ORDER BY documents DESC, first_published, story_id"
    ).fetchall()
    assert stories, "the warehouse fixture holds a repost, so at least one story"
    (bars,) = chart_data(html, "stories")
    assert bars["x"][::-1] == [n for _, _, n in stories]
    part = section(html, "stories")
    members = con.execute(
        "SELECT d.title FROM doc_stories s JOIN documents d USING (doc_id) WHERE s.story_id = ?", [stories[0][0]]
    ).fetchall()
    for (title,) in members:
        assert html_escape(title) in part


# CJK punctuation, kana, ideographs (and extensions), compatibility ideographs, full-width forms
CJK = re.compile("[\u2e80-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef\U00020000-\U0003ffff]")


def test_the_report_embeds_a_font_with_every_cjk_character_it_shows(report):
    """The Chinese reads the same on a machine without any CJK font: the page carries the glyphs."""
    html, _ = report
    face = re.search(
        r"@font-face \{ font-family: '([^']+)';[^}]*src: url\(data:font/woff;base64,([A-Za-z0-9+/=]+)\)", html
    )
    assert face, "the report embeds no font"
    family, data = face.groups()
    covered = {chr(cp) for cp in TTFont(io.BytesIO(base64.b64decode(data))).getBestCmap()}
    page_text = unescape(html.replace(get_plotlyjs(), "").replace(data, ""))  # what the page shows, not the library
    shown = set(CJK.findall(page_text))
    assert {"新华社", "澎湃新闻"} <= {t["name"] for t in chart_data(html, "documents-per-day")}
    assert len(shown) > 50 and shown - covered == set()
    assert f"font: 15px/1.5 '{family}'" in html  # the page's text, then every chart, name the face first
    assert html.count(f'"font":{{"family":"\'{family}\'') >= len(CHARTS)


def test_the_who_and_where_section_draws_its_charts_in_a_headless_browser(report, tmp_path):
    """Chromium runs the page's scripts: each entity chart becomes an SVG naming the top entity of its kind."""
    import subprocess

    from zhnews.reports.entities import TOP_PER_KIND, WEEKS, entity_trends

    chromium = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if chromium is None:
        pytest.skip("no Chromium on this machine")
    html, con = report
    page = tmp_path / "report.html"
    page.write_text(html, encoding="utf-8")
    dom = subprocess.run(
        [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--virtual-time-budget=30000", "--dump-dom",
         page.as_uri()],
        capture_output=True, text=True, timeout=180, check=True,
    ).stdout  # fmt: skip
    charts = {}
    for kind in ("person", "place", "org"):
        start = dom.find(f'<div id="chart-entities-{kind}"')
        end = dom.find('<div id="chart-', start + 1)
        charts[kind] = dom[start : end if end > 0 else len(dom)] if start >= 0 else ""
    for kind, chart in charts.items():
        top = entity_trends(con, kind, WEEKS, TOP_PER_KIND).rows[0][1]  # the first the chart draws
        assert 'class="main-svg"' in chart, f"the {kind} chart was not drawn"
        assert top in unescape(re.sub(r"<[^>]+>", " ", chart)), f"{top} is not on the {kind} chart"
