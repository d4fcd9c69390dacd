"""The README's "Reading the warehouse from other tools" snippets run as written on a real warehouse."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from tests.conftest import ROOT, SAMPLES

HEADING = "## Reading the warehouse from other tools"


def bi_section() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert HEADING in readme, "README lacks its BI hand-off section"
    section = readme[readme.index(HEADING) + len(HEADING) :]
    return section[: section.index("\n## ")] if "\n## " in section else section


def blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", bi_section(), re.S)


@pytest.fixture(scope="module")
def project(prefect_harness, tmp_path_factory):
    """A folder laid out like the README's: `data/` holds a warehouse of the seed dumps."""
    from zhnews.flows.ingest import ingest_flow

    folder = tmp_path_factory.mktemp("bi")
    ingest_flow(paths=[str(SAMPLES)], data_dir=str(folder / "data"))
    with duckdb.connect(str(folder / "data" / "zhnews.duckdb"), read_only=True) as con:
        top_outlet, _ = con.execute(
            "SELECT source, count(*) AS n FROM documents GROUP BY source ORDER BY n DESC, source LIMIT 1"
        ).fetchone()
        documents = con.execute("SELECT count(*) FROM documents").fetchone()[0]
    return folder, top_outlet, documents


def test_the_section_has_every_kind_of_snippet():
    python = "\n".join(blocks("python"))
    for client in (".df()", ".pl()", 'create_engine("duckdb:///', "pyarrow.dataset", "COPY "):
        assert client in python, client
    assert blocks("sql") and any("duckdb -readonly" in b for b in blocks("bash"))


@pytest.mark.parametrize("index", range(len(blocks("python"))))
def test_each_python_snippet_runs_and_reads_the_warehouse(project, index):
    folder, top_outlet, documents = project
    snippet = blocks("python")[index]
    proc = subprocess.run(
        [sys.executable, "-c", snippet], cwd=folder, capture_output=True, text=True, timeout=120, check=False
    )
    assert proc.returncode == 0, proc.stderr
    assert top_outlet in proc.stdout or re.search(rf"\b{documents}\b", proc.stdout), proc.stdout


def test_the_duckdb_cli_snippet_runs(project):
    folder, top_outlet, _ = project
    cli = shutil.which("duckdb", path=str(Path(sys.executable).parent)) or shutil.which("duckdb")
    assert cli, "the duckdb CLI is missing: install the dev (or bi) extra"
    (command,) = (b for b in blocks("bash") if "duckdb -readonly" in b)
    args = command.split()[1:]  # as written, with the CLI of this environment
    (sql,) = blocks("sql")
    proc = subprocess.run([cli, *args], input=sql, cwd=folder, capture_output=True, text=True, timeout=60, check=False)
    assert proc.returncode == 0 and not proc.stderr, proc.stderr
    assert top_outlet in proc.stdout
