"""Parallel batches give the same warehouse as one process: a local process pool and a Dask cluster."""

import duckdb
import pytest

from bench.synth import Writer
from tests.conftest import SAMPLES, run_cli

# Every column except the per-run ones (load ids, timestamps).
TABLES = {
    "files": "SELECT * FROM files",
    "documents": "SELECT * FROM documents",
    "sightings": "SELECT * FROM sightings",
    "removed_lines": "SELECT * FROM removed_lines",
    "file_events": "SELECT file_id, path, outcome, reason FROM file_events",
}


def warehouse_rows(data_dir) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(data_dir / "zhnews.duckdb"), read_only=True)
    try:
        return {name: con.execute(f"{sql} ORDER BY ALL").fetchall() for name, sql in TABLES.items()}
    finally:
        con.close()


@pytest.fixture(scope="module")
def inbox(tmp_path_factory):
    """Samples, 30 synthetic dumps (some of them the same article twice), and a file that is not text."""
    root = tmp_path_factory.mktemp("inbox")
    writer = Writer(seed=11)
    for i in range(30):
        dump = writer.any_dump(i)
        (root / dump.name).write_text(dump.text, encoding="utf-8")
    (root / "copy_of_synth_000002.txt").write_bytes((root / "synth_000002.txt").read_bytes())
    (root / "broken.txt").write_bytes(b"PK\x03\x04 not a text dump")
    return root


@pytest.fixture(scope="module")
def sequential(inbox, tmp_path_factory, prefect_harness):
    from zhnews.flows.ingest import ingest_flow

    data = tmp_path_factory.mktemp("sequential")
    summary = ingest_flow(paths=[str(inbox), str(SAMPLES)], data_dir=str(data), batch_files=4, workers=1)
    return data, summary


def test_small_batches_leave_every_file_accounted_for(sequential):
    _data, summary = sequential
    assert summary.files_seen == 37 and summary.files_loaded == 36
    assert [reason for _, reason in summary.quarantined] == ["binary content (zip signature)"]
    assert summary.documents_new < summary.documents_seen  # the copied dump adds sightings, not documents


def test_two_worker_processes_build_the_same_warehouse_as_one(inbox, sequential, ingest, tmp_path):
    seq_data, seq_summary = sequential
    summary = ingest([inbox, SAMPLES], tmp_path, batch_files=4, workers=2)
    assert summary.counts() == seq_summary.counts()
    assert warehouse_rows(tmp_path) == warehouse_rows(seq_data)


def test_a_two_worker_dask_cluster_builds_the_same_warehouse(inbox, sequential, ingest, tmp_path):
    seq_data, seq_summary = sequential
    summary = ingest([inbox, SAMPLES], tmp_path, batch_files=4, workers=2, task_runner="dask")
    assert summary.counts() == seq_summary.counts()
    assert warehouse_rows(tmp_path) == warehouse_rows(seq_data)


def test_an_unchanged_rerun_with_workers_records_every_file_as_unchanged(inbox, ingest, tmp_path):
    ingest([inbox], tmp_path, batch_files=4, workers=1)
    again = ingest([inbox, inbox / "synth_000001.txt"], tmp_path, batch_files=4, workers=2)
    assert (again.files_seen, again.files_unchanged, again.files_loaded) == (32, 31, 0)  # named twice, counted once
    assert [reason for _, reason in again.quarantined] == ["binary content (zip signature)"]  # checked again


def test_unknown_task_runner_is_refused_with_the_choices(ingest, tmp_path):
    with pytest.raises(ValueError, match="process, dask"):
        ingest([SAMPLES], tmp_path, task_runner="spark")


def test_a_rerun_reads_only_files_whose_size_or_mtime_changed(ingest, tmp_path):
    import os

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    writer = Writer(seed=5)
    for i in range(3):
        dump = writer.any_dump(i)
        (inbox / dump.name).write_text(dump.text, encoding="utf-8")
    ingest([inbox], tmp_path / "data")
    touched, edited = inbox / "synth_000000.txt", inbox / "synth_000001.txt"
    os.utime(touched, ns=(touched.stat().st_atime_ns, touched.stat().st_mtime_ns + 10**9))  # same bytes
    edited.write_text(writer.any_dump(1).text, encoding="utf-8")
    again = ingest([inbox], tmp_path / "data")
    assert (again.files_unchanged, again.files_loaded) == (2, 1)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--task-runner", "spark"], "unknown --task-runner 'spark'; choose one of process, dask"),
        (["--dask-address", "tcp://127.0.0.1:8786"], "--dask-address needs --task-runner dask"),
        (["--workers", "0"], "--workers must be at least 1"),
    ],
)
def test_cli_refuses_bad_runner_options_in_one_line(tmp_path, options, message):
    proc = run_cli("ingest", str(SAMPLES), "--data-dir", str(tmp_path), *options, timeout=120)
    assert proc.returncode == 2
    assert message in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "zhnews.duckdb").exists()


def test_a_pool_worker_ends_itself_once_the_ingest_that_started_it_is_gone():
    import subprocess
    import sys
    import time

    from tests.conftest import ROOT

    started = time.monotonic()
    code = "from zhnews.flows.runners import exit_with_parent; exit_with_parent(-1); import time; time.sleep(30)"
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, timeout=25, check=False)
    assert proc.returncode == 1 and time.monotonic() - started < 20  # parent -1 is never ours: gone at once
