"""A run the user stops or that dies is finished by the next run; Prefect's temporary server is the run's own.

Ctrl-C in a terminal sends SIGINT to the whole foreground process group: the tests send it the
same way, to the process group of a real CLI started in a session of its own.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import psutil

from bench.corpus import generate
from tests.conftest import ROOT, SAMPLES
from tests.flows.test_robustness import cli as cli  # a fixture
from tests.flows.test_robustness import data_checksums, small_inbox

ZHNEWS = Path(sys.executable).with_name("zhnews")
INTERRUPTED = "error: interrupted; the batch in progress was rolled back, run again to finish\n"


def own_server_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """The environment of a user's shell: no Prefect server configured (the CLI starts its own)."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("PREFECT_API_URL", "PREFECT_LOGGING_LEVEL", "ZHNEWS_FAULT", "COLUMNS")
    }
    return env | {"PREFECT_HOME": str(tmp_path / "prefect-home"), **extra}


def wait_for(path: Path, run: subprocess.Popen) -> None:
    while not path.exists():
        assert run.poll() is None, run.communicate()
        time.sleep(0.1)


def test_ingest_works_from_a_folder_holding_a_file_named_like_a_standard_library_module(tmp_path):
    workdir = tmp_path / "work"
    workdir.mkdir()
    (workdir / "inspect.py").write_text("raise SystemExit('the working directory was imported')\n")
    proc = subprocess.run(
        [ZHNEWS, "ingest", SAMPLES, "--data-dir", "data", "--no-progress"],
        cwd=workdir,
        env=own_server_env(tmp_path),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    with duckdb.connect(str(workdir / "data" / "zhnews.duckdb"), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM files WHERE status = 'loaded'").fetchone()[0] == 5


def test_ctrl_c_ends_the_run_once_with_one_line_and_exit_130_and_the_next_run_finishes(ingest, tmp_path):
    inbox, data, release = small_inbox(tmp_path / "inbox"), tmp_path / "data", tmp_path / "release"
    command = [ZHNEWS, "ingest", inbox, "-d", data, "--batch-files", "2", "--workers", "2", "--no-progress"]
    env = own_server_env(tmp_path, ZHNEWS_FAULT="after-load:1:pause", ZHNEWS_FAULT_RELEASE=str(release))
    run = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    try:
        wait_for(Path(f"{release}.paused"), run)  # one batch committed, the others extracted or in flight
        tree = psutil.Process(run.pid).children(recursive=True)
        os.killpg(run.pid, signal.SIGINT)  # what a terminal does on Ctrl-C
        out, err = run.communicate(timeout=120)
    finally:
        release.touch()
    assert (run.returncode, err) == (130, INTERRUPTED)
    assert out == ""
    _, alive = psutil.wait_procs(tree, timeout=30)
    assert alive == []  # the Prefect server and the workers are gone with the run

    env.pop("ZHNEWS_FAULT")
    again = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert again.returncode == 0, again.stderr
    ingest([inbox], tmp_path / "clean", batch_files=2)  # one clean run, for reference
    assert data_checksums(data / "zhnews.duckdb") == data_checksums(tmp_path / "clean" / "zhnews.duckdb")


def stories(db: Path) -> set[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return set(con.execute("SELECT doc_id, story_id, similarity, relation FROM doc_stories").fetchall())


def test_a_run_killed_between_its_last_load_and_the_stories_pass_is_finished_by_the_next_run(cli, ingest, tmp_path):
    """The re-run finds every file unchanged, yet rebuilds the stories the dead run left out of
    date (their input fingerprint differs from the one stored) and says so in its summary."""
    corpus = generate(tmp_path / "inbox", 0.2)
    data = tmp_path / "data"
    args = ("ingest", corpus.root, "--data-dir", data, "--batch-files", 25, "--no-progress")
    last_batch = -(-corpus.files // 25)
    killed = cli(*args, extra_env={"ZHNEWS_FAULT": f"after-load:{last_batch}"})
    assert killed.returncode == -signal.SIGKILL, killed.stderr

    again = cli(*args, "--summary-json", tmp_path / "again.json", extra_env={"COLUMNS": "200"})
    assert again.returncode == 0, again.stderr
    summary = json.loads((tmp_path / "again.json").read_text())
    assert (summary["files_unchanged"], summary["files_loaded"]) == (corpus.files, 0)
    assert summary["repaired"] == ["stories rebuilt (an earlier run ended before its stories pass)"]
    assert len(summary["interrupted_loads"]) == 1
    assert "stories rebuilt" in again.stdout and "interrupted run, finished now" in again.stdout
    ingest([corpus.root], tmp_path / "clean", batch_files=25)
    clean = stories(tmp_path / "clean" / "zhnews.duckdb")
    assert clean and stories(data / "zhnews.duckdb") == clean

    third = cli(*args, extra_env={"COLUMNS": "200"})
    assert third.returncode == 0 and "repaired" not in third.stdout  # nothing left to repair


def test_prefects_temporary_server_ends_with_a_run_killed_with_sigkill(tmp_path):
    """No exit handler runs after `kill -9`: the server, in a session of its own, must not outlive the run."""
    release = tmp_path / "release"
    env = own_server_env(tmp_path, ZHNEWS_FAULT="after-load:1:pause", ZHNEWS_FAULT_RELEASE=str(release))
    command = [ZHNEWS, "ingest", SAMPLES, "-d", tmp_path / "data", "--batch-files", "2", "--no-progress"]
    run = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(Path(f"{release}.paused"), run)
        servers = [
            p for p in psutil.Process(run.pid).children() if "prefect.server.api.server:create_app" in p.cmdline()
        ]
        run.kill()
        run.wait()
    finally:
        release.touch()
    assert len(servers) == 1
    _, alive = psutil.wait_procs(servers, timeout=30)
    assert alive == []


def test_the_batch_pool_ends_with_a_run_killed_with_sigkill(tmp_path):
    """The workers and their fork server end themselves once the run is gone (no exit handler runs after `kill -9`)."""
    inbox, release = small_inbox(tmp_path / "inbox"), tmp_path / "release"
    env = own_server_env(tmp_path, ZHNEWS_FAULT="after-load:1:pause", ZHNEWS_FAULT_RELEASE=str(release))
    command = [
        ZHNEWS,
        "ingest",
        inbox,
        "-d",
        tmp_path / "data",
        "--batch-files",
        "2",
        "--workers",
        "2",
        "--no-progress",
    ]
    run = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for(Path(f"{release}.paused"), run)
        pool = [
            p
            for p in psutil.Process(run.pid).children(recursive=True)
            if "multiprocessing" in " ".join(p.cmdline()) and "resource_tracker" not in " ".join(p.cmdline())
        ]
        run.kill()
        run.wait()
    finally:
        release.touch()
    assert len(pool) == 3  # the fork server and two workers
    _, alive = psutil.wait_procs(pool, timeout=30)
    assert alive == []
