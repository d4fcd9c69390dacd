"""Icon-font glyphs (private-use characters) in a page copy are chrome to remove, not a sign of binary content."""

import duckdb
import pytest
from zhnews.transforms.decode import UndecodableInput, decode_dump
from zhnews.transforms.explain import explain_lines

from tests.conftest import ROOT

PAGE = ROOT / "tests" / "fixtures" / "evalset" / "s01_sohu_article.txt"
NAV = {"搜狐首页", "新闻", "体育", "汽车", "房产", "旅游", "教育", "时尚", "科技", "财经", "娱乐", "更多", "登录狐友"}
# Lines that a copy of the page holds where the site draws icons: glyph-only lines after these.
ICON_ROWS = {"登录狐友": "\ue6a4", "发布于：浙江": "\ue615 \ue616 \ue617 \ue618", "我来说两句": "\ue6b2\ue6b3"}


def with_icon_glyphs(text: str) -> str:
    """The page as copied from a browser with its icon font: an icon before each navigation entry and
    the read counter, a link icon after the first paragraph, rows of share buttons drawn only in glyphs."""
    lines = []
    for line in text.split("\n"):
        if line in NAV:
            lines.append(f"\ue600 {line}")
        elif line.startswith("阅读"):
            lines.append(f"\ue64f{line}")
        elif line.startswith("今年以来"):
            lines.append(f"{line}\ue61d")
        else:
            lines.append(line)
        if line in ICON_ROWS:
            lines.append(ICON_ROWS[line])
    return "\n".join(lines)


@pytest.fixture(scope="module")
def pages():
    plain = PAGE.read_text(encoding="utf-8")
    glyphs = with_icon_glyphs(plain)
    share = sum(0xE000 <= ord(c) <= 0xF8FF for c in glyphs) / len(glyphs)
    assert 0.015 < share < 0.05, share  # like the real page copies: about 2 % private-use characters
    return plain, glyphs


def test_a_page_with_icon_glyphs_decodes_as_text(pages):
    _, glyphs = pages
    decoded = decode_dump(glyphs.encode("utf-8"))
    assert (decoded.encoding, decoded.text) == ("utf-8", glyphs)


def test_really_binary_content_is_still_quarantined():
    with pytest.raises(UndecodableInput, match="binary content"):
        decode_dump(("正文\x01\x02\x03\x04" * 200).encode("utf-8"))


def test_the_glyphs_are_removed_and_the_documents_are_those_of_the_page_without_them(processor, pages):
    plain, glyphs = pages
    without, with_ = processor.process(plain), processor.process(glyphs)
    fields = ("title", "body", "source", "published_at", "body_kind")
    assert [[getattr(d, f) for f in fields] for d in with_.documents] == [
        [getattr(d, f) for f in fields] for d in without.documents
    ]
    assert not any("\ue000" <= c <= "\uf8ff" for d in with_.documents for c in d.title + d.body)
    assert with_.layout == without.layout


def test_nothing_is_lost_silently(processor, pages):
    _, glyphs = pages
    extract = processor.process(glyphs)
    glyph_only = [r.text for r in extract.removed if r.rule == "icon_glyphs"]
    assert glyph_only == list(ICON_ROWS.values())  # each glyph-only line removed and recorded, with its text
    edited = len(NAV) + 2  # the navigation entries, the read counter and a paragraph lost their icon
    assert extract.stats["icon_glyphs"] == len(glyph_only) + edited
    verdicts = explain_lines(glyphs, extract)
    assert [v.status for v in verdicts if v.text in ICON_ROWS.values()] == ["removed"] * len(ICON_ROWS)
    assert not [v for v in verdicts if v.status == "unaccounted"]


def test_ingest_loads_the_page_and_records_the_removed_glyph_lines(ingest, tmp_path, pages):
    _, glyphs = pages
    (tmp_path / "page.txt").write_text(glyphs, encoding="utf-8")
    summary = ingest([tmp_path / "page.txt"], tmp_path / "data")
    assert (summary.files_loaded, summary.quarantined) == (1, [])
    with duckdb.connect(str(tmp_path / "data" / "zhnews.duckdb"), read_only=True) as con:
        rows = con.execute("SELECT text FROM removed_lines WHERE rule = 'icon_glyphs' ORDER BY line_no").fetchall()
    assert [text for (text,) in rows] == list(ICON_ROWS.values())
