"""Readers never block the loader and never see half a load; a scheduled run that cannot get the
warehouse retries with backoff and ends in one line.

The loader writes its own copy of the warehouse and publishes it as `zhnews.duckdb` (renamed over
it, atomically) after each completed run: BI tools, notebooks and the gold scorer open that file.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import duckdb
import pytest
from zhnews.warehouse import SPARE_NAME
from zhnews.warehouse.store import DB_NAME, WORK_NAME

from tests.conftest import ROOT, SAMPLES, warehouse_held_open
from tests.flows.test_robustness import cli as cli  # a fixture
from tests.flows.test_robustness import small_inbox

READER = """
import sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
count = lambda: con.execute("SELECT count(*) FROM files").fetchone()[0]
print(count(), flush=True)
sys.stdin.readline()  # the ingest runs meanwhile
print(count(), flush=True)
"""


def inbox_of_two(tmp_path: Path) -> tuple[Path, Callable[[], None]]:
    """An inbox holding two samples, and a function that drops the other three into it."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    samples = sorted(SAMPLES.glob("*.txt"))

    def add(sample_files: list[Path]) -> None:
        for sample in sample_files:
            (inbox / sample.name).write_bytes(sample.read_bytes())

    add(samples[:2])
    return inbox, lambda: add(samples[2:])


def test_a_reader_holding_its_connection_across_an_ingest_neither_blocks_it_nor_sees_half_of_it(cli, tmp_path):
    inbox, add_three = inbox_of_two(tmp_path)
    data = tmp_path / "data"
    assert cli("ingest", inbox, "-d", data, "--no-progress").returncode == 0
    add_three()
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(data / DB_NAME)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert reader.stdout.readline().strip() == "2"
        run = cli("ingest", inbox, "-d", data, "--no-progress")  # the reader still holds the warehouse open
        out, _ = reader.communicate("go\n", timeout=60)
    finally:
        reader.kill()
    assert run.returncode == 0, run.stderr
    assert out.strip() == "2"  # the version it opened, whole, until it reconnects
    with duckdb.connect(str(data / DB_NAME), read_only=True) as con:  # its next connection
        assert con.execute("SELECT count(*) FROM files").fetchone()[0] == 5
        assert con.execute("SELECT count(*), min(status) FROM loads").fetchone() == (2, "completed")


def test_a_failed_run_publishes_nothing_and_the_next_completed_run_publishes_everything(cli, tmp_path):
    inbox, data = small_inbox(tmp_path / "inbox"), tmp_path / "data"
    args = ("ingest", inbox, "-d", data, "--batch-files", 2, "--no-progress")
    killed = cli(*args, extra_env={"ZHNEWS_FAULT": "after-load:2"})
    assert killed.returncode != 0
    assert not (data / DB_NAME).exists()  # readers never see a run's first batches alone
    with duckdb.connect(str(data / WORK_NAME), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM files").fetchone()[0] == 4  # the loader keeps what it committed
    assert cli(*args).returncode == 0
    with duckdb.connect(str(data / DB_NAME), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM files").fetchone()[0] == 6


def test_a_completed_run_publishes_its_copy_by_renaming_it_and_the_next_run_starts_from_the_published_file(
    cli, tmp_path
):
    """Publishing costs the same for any warehouse size (no copy at the end of a run); the file it
    replaces is kept as the spare, which the run after next writes into once it has done the last
    run's loads again (no copy at its start either)."""
    inbox, add_three = inbox_of_two(tmp_path)
    data = tmp_path / "data"
    assert cli("ingest", inbox, "-d", data, "--no-progress").returncode == 0
    assert not (data / WORK_NAME).exists()
    first = (data / DB_NAME).stat().st_ino
    add_three()
    assert cli("ingest", inbox, "-d", data, "--no-progress").returncode == 0
    assert not (data / WORK_NAME).exists() and (data / DB_NAME).stat().st_ino != first
    assert (data / SPARE_NAME).stat().st_ino == first
    with duckdb.connect(str(data / DB_NAME), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM files").fetchone()[0] == 5
        assert con.execute("SELECT files_unchanged FROM loads ORDER BY started_at").fetchall() == [(0,), (2,)]
        second = con.execute("SELECT * FROM documents ORDER BY doc_id").fetchall()
    assert cli("ingest", inbox, "-d", data, "--no-progress").returncode == 0
    assert (data / DB_NAME).stat().st_ino == first  # the first file, caught up with the second run's loads
    with duckdb.connect(str(data / DB_NAME), read_only=True) as con:
        assert con.execute("SELECT * FROM documents ORDER BY doc_id").fetchall() == second
        assert con.execute("SELECT files_unchanged FROM loads ORDER BY started_at").fetchall() == [(0,), (2,), (5,)]


SCHEDULED_RUN = """
import json, sys
from zhnews.flows.ingest import ingest_flow
state = ingest_flow(paths=[sys.argv[1]], data_dir=sys.argv[2], retry_seconds=[0.2, 0.4], return_state=True)
print(json.dumps({"type": state.type.value, "message": state.message}))
"""


@pytest.mark.usefixtures("prefect_harness")
def test_a_scheduled_run_that_cannot_get_the_warehouse_retries_with_backoff_then_fails_in_one_line(tmp_path):
    from prefect.settings import PREFECT_API_URL

    data = tmp_path / "data"
    data.mkdir()
    env = dict(os.environ, PREFECT_API_URL=PREFECT_API_URL.value(), PREFECT_LOGGING_LEVEL="INFO")
    with warehouse_held_open(data / WORK_NAME) as holder:
        run = subprocess.run(
            [sys.executable, "-c", SCHEDULED_RUN, str(SAMPLES), str(data)],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False,
        )  # fmt: skip
    assert run.returncode == 0, run.stderr
    state = json.loads(run.stdout.splitlines()[-1])
    assert state["type"] == "FAILED"
    assert state["message"].startswith("gave up after 2 retries: the warehouse")
    assert f"PID {holder.pid}" in state["message"] and "\n" not in state["message"]
    log = run.stderr
    assert "Traceback" not in log
    assert [line.rsplit("trying again in ", 1)[1] for line in log.splitlines() if "trying again in" in line] == [
        "0.2 s",
        "0.4 s",
    ]
