"""The batch pool: worker processes without Prefect, forked with the extraction tables already built."""

from __future__ import annotations

import os
import sys
from concurrent.futures.process import BrokenProcessPool

import psutil
import pytest


def worker_state() -> dict:
    """What a pool worker holds before its first batch (run in the worker)."""
    from zhnews.flows import extract

    return {
        "pid": os.getpid(),
        "imports prefect": any(name.split(".")[0] == "prefect" for name in sys.modules),
        "imports duckdb": "duckdb" in sys.modules,
        "pipelines built": len(extract._pipelines),
    }


@pytest.fixture
def pool():
    from zhnews.flows.pool import BatchPoolTaskRunner

    with BatchPoolTaskRunner(max_workers=2, processes=2) as runner:
        yield runner


def test_batch_work_runs_in_a_worker_that_never_imported_prefect_and_starts_with_the_tables_built(pool):
    from zhnews.flows.pool import run_in_pool

    state = run_in_pool(worker_state)
    assert state["pid"] != os.getpid()
    assert state == state | {"imports prefect": False, "imports duckdb": False, "pipelines built": 1}


def test_without_a_pool_the_work_runs_in_the_calling_process():
    from zhnews.flows.pool import run_in_pool

    assert run_in_pool(os.getpid) == os.getpid()


def test_a_worker_that_dies_mid_batch_fails_that_batch(pool):
    from zhnews.flows.pool import run_in_pool

    with pytest.raises(BrokenProcessPool):
        run_in_pool(os._exit, 1)


def test_the_workers_their_fork_server_and_the_resource_tracker_are_gone_once_the_pool_is_closed():
    from zhnews.flows.pool import BatchPoolTaskRunner, run_in_pool

    before = {p.pid for p in psutil.Process().children(recursive=True)}
    with BatchPoolTaskRunner(max_workers=2, processes=2):
        worker = run_in_pool(os.getpid)
        started = [p for p in psutil.Process().children(recursive=True) if p.pid not in before]
        assert worker in {p.pid for p in started}
    _, alive = psutil.wait_procs(started, timeout=10)
    assert alive == []
    assert run_in_pool(os.getpid) == os.getpid()  # no pool left behind
