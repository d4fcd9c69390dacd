"""`zhnews ingest --reprocess`: a new or fixed profile reaches the files already loaded."""

from __future__ import annotations

import json

import duckdb

from bench.compare_warehouses import compare
from tests.conftest import SAMPLES
from tests.flows.test_robustness import cli as cli  # a fixture
from tests.flows.test_site_profiles import DUMP, PROFILE


def test_reprocess_extracts_loaded_files_again_and_gives_the_tables_of_a_first_load(cli, ingest, tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for sample in SAMPLES.glob("*.txt"):
        (inbox / sample.name).write_bytes(sample.read_bytes())
    (inbox / "kuaixun.txt").write_text(DUMP, encoding="utf-8")
    (inbox / "kuaixun-2.txt").write_text(DUMP.replace("首座海上风电场", "第二座海上风电场"), encoding="utf-8")
    profiles = tmp_path / "profiles"
    profiles.mkdir()
    data = tmp_path / "data"
    assert cli("ingest", inbox, "-d", data, "--profiles", profiles, "--no-progress").returncode == 0

    (profiles / "kuaixun.toml").write_text(PROFILE, encoding="utf-8")  # the site gets its profile
    unchanged = cli("ingest", inbox, "-d", data, "--profiles", profiles, "--no-progress")
    assert unchanged.returncode == 0
    with duckdb.connect(str(data / "zhnews.duckdb"), read_only=True) as con:  # the promo line is still in the bodies
        assert con.execute("SELECT count(*) FROM documents WHERE body LIKE '%☆快讯网APP%'").fetchone()[0] == 2

    args = ("ingest", inbox, "-d", data, "--profiles", profiles, "--reprocess", "--no-progress")
    again = cli(*args, "--summary-json", tmp_path / "summary.json")
    assert again.returncode == 0, again.stderr
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert (summary["reprocessed"], summary["files_loaded"], summary["files_unchanged"]) == (7, 7, 0)
    with duckdb.connect(str(data / "zhnews.duckdb"), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM documents WHERE source = '河口日报'").fetchone()[0] == 2
        assert con.execute("SELECT count(*) FROM documents WHERE body LIKE '%☆快讯网APP%'").fetchone()[0] == 0
        assert con.execute("SELECT count(*) FROM removed_lines WHERE rule = 'kuaixun:promo'").fetchone()[0] == 2

    ingest([inbox], tmp_path / "fresh", profile_dirs=[str(profiles)])
    assert compare(str(data), str(tmp_path / "fresh"))  # every data table, row for row
