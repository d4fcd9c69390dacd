"""Adding a site is adding a file: a profile in a folder passed with --profiles."""

import duckdb
import pytest
from zhnews.flows.config import load_profiles
from zhnews.transforms.pipeline import DumpProcessor

from tests.conftest import run_cli

# An invented site: its date line puts the outlet in brackets, its pages carry a promo line.
DUMP = """快讯网首页
本地
财经
河口新区首座海上风电场全容量并网
【河口日报】 发稿 2025.11.05 08:30
海上风电场今天全部机组并网发电，年发电量预计可达十二亿千瓦时，可满足约五十万户家庭一年的用电需求。
☆快讯网APP 新闻早知道☆
项目负责人介绍，风电场共安装五十台风机，单机容量为八兆瓦，是目前区域内规模最大的海上风电项目。
"""

PROFILE = """
name = "kuaixun"
description = "快讯网 (an invented site, for the test)"

[detect]
lines = ['^快讯网首页$']

[fields]
dateline = ['^【(?P<outlet>[^】]+)】\\s*发稿\\s*(?P<published>\\d{4}\\.\\d{1,2}\\.\\d{1,2} \\d{1,2}:\\d{2})$']

[[remove]]
rule = "promo"
pattern = '^☆.*☆$'
"""


@pytest.fixture
def site_dir(tmp_path):
    folder = tmp_path / "profiles"
    folder.mkdir()
    (folder / "kuaixun.toml").write_text(PROFILE, encoding="utf-8")
    (folder / "outlets-extra.tsv").write_text("name\taliases\n河口日报\tHekou Daily\n", encoding="utf-8")
    return folder


def test_a_profile_from_a_user_folder_applies_its_dateline_and_removal_rules(site_dir):
    processor = DumpProcessor(load_profiles([site_dir]))
    extract = processor.process(DUMP)
    (doc,) = extract.documents
    assert "kuaixun" in extract.profiles and extract.layout == "portal_article"
    assert (doc.title, doc.source) == ("河口新区首座海上风电场全容量并网", "河口日报")
    assert doc.published_at.isoformat() == "2025-11-05T08:30:00+08:00"
    assert "☆" not in doc.body and doc.body.startswith("海上风电场今天")
    assert ("kuaixun:promo", "☆快讯网APP 新闻早知道☆") in {(r.rule, r.text) for r in extract.removed}


def test_a_dateline_pattern_may_spell_out_a_date_format_of_its_own(tmp_path):
    (tmp_path / "us.toml").write_text(
        "name = 'usdates'\n[detect]\nlines = ['^快讯网首页$']\n[fields]\n"
        "dateline = ['^(?P<m>\\d{2})/(?P<d>\\d{2})/(?P<y>\\d{4}) (?P<H>\\d{2}):(?P<M>\\d{2})\\s+(?P<outlet>\\S+)$']\n",
        encoding="utf-8",
    )
    text = DUMP.replace("【河口日报】 发稿 2025.11.05 08:30", "11/05/2025 08:30 河口日报")
    (doc,) = DumpProcessor(load_profiles([tmp_path])).process(text).documents
    assert (doc.source, doc.published_at.isoformat()) == ("河口日报", "2025-11-05T08:30:00+08:00")


def test_without_the_profile_the_promo_stays_in_the_body_and_the_header_reader_still_finds_the_bracketed_outlet():
    (doc,) = DumpProcessor(load_profiles()).process(DUMP).documents
    assert "☆快讯网APP" in doc.body
    assert doc.source == "河口日报"  # a bracketed name on the date line: a candidate the page vouches for


def test_ingest_and_explain_take_the_profiles_folder(ingest, site_dir, tmp_path):
    dump = tmp_path / "kuaixun.txt"
    dump.write_text(DUMP, encoding="utf-8")
    ingest([dump], tmp_path / "data", profile_dirs=[str(site_dir)])
    con = duckdb.connect(str(tmp_path / "data" / "zhnews.duckdb"), read_only=True)
    assert con.execute("SELECT source, profiles FROM documents, files").fetchone() == (
        "河口日报",
        ["common", "kuaixun"],
    )
    proc = run_cli("explain", str(dump), "--profiles", str(site_dir), timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert any("kuaixun:promo" in line and "☆快讯网APP" in line for line in proc.stdout.splitlines())


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("name = 'x'\n[feilds]\nsource = 'y'\n", "unknown key"),
        ("name = 'x'\n[fields]\ndateline = ['^(?P<outlet>.+)$']\n", "lacks a (?P<published>...) group"),
        ("name = 'x'\n[fields]\ndateline = ['^(?P<y>\\d+)(?P<m>\\d+)$']\n", "lacks a (?P<published>...) group"),
        ("name = 'x'\n[[remove]]\nrule = 'r'\npattern = '(unclosed'\n", "bad pattern"),
    ],
)
def test_a_faulty_profile_is_refused_with_the_file_and_the_reason(tmp_path, text, message):
    (tmp_path / "bad.toml").write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)").replace("?", r"\?")):
        load_profiles([tmp_path])
