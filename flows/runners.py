"""Which Prefect task runner runs the CPU-bound batch work: this process, a process pool, or Dask."""

from __future__ import annotations

import os
import signal
import threading
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from prefect.task_runners import TaskRunner

RUNNER_KINDS: tuple[str, ...] = ("process", "dask")


def default_workers() -> int:
    """One worker per core this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def check_runner_options(kind: str, workers: int | None = None, dask_address: str | None = None) -> None:
    """Refuse task runner options that do not go together, with a ValueError that says why (the CLI
    checks them before it starts anything; the flow before it touches the warehouse)."""
    if kind not in RUNNER_KINDS:
        raise ValueError(f"unknown --task-runner {kind!r}; choose one of {', '.join(RUNNER_KINDS)}")
    if workers is not None and workers < 1:
        raise ValueError("--workers must be at least 1")
    if dask_address and kind != "dask":
        raise ValueError("--dask-address needs --task-runner dask")


def make_task_runner(kind: str = "process", workers: int | None = None, dask_address: str | None = None) -> TaskRunner:
    """A task runner for the ingest flow.

    - `process` with 1 worker: batches run in the flow's own process, one at a time (no spawn cost);
    - `process` with N > 1 workers: batches are task runs in this process's threads, their work done
      by N worker processes that never import Prefect (`flows.pool`);
    - `dask`: the Dask cluster at `dask_address`, or a temporary LocalCluster of `workers` processes.
    """
    from prefect.task_runners import ThreadPoolTaskRunner

    check_runner_options(kind, workers, dask_address)
    workers = workers or default_workers()
    if kind == "process":
        if workers == 1:
            return ThreadPoolTaskRunner(max_workers=1)
        from zhnews.flows.pool import BatchPoolTaskRunner

        return BatchPoolTaskRunner(max_workers=2 * workers, processes=workers)
    try:
        from prefect_dask import DaskTaskRunner
    except ImportError as exc:  # pragma: no cover - prefect-dask is a dependency
        raise ValueError("--task-runner dask needs the prefect-dask package") from exc
    if dask_address:
        return DaskTaskRunner(address=dask_address)
    return DaskTaskRunner(
        cluster_class="distributed.LocalCluster",
        cluster_kwargs={
            "n_workers": workers,
            "threads_per_worker": 1,
            "processes": True,
            "dashboard_address": None,
        },
    )


def start_worker(parent_pid: int | None = None) -> None:
    """Worker initializer: a Ctrl-C is the ingest's to handle (it rolls back and stops the pool), and
    the worker ends with the process that started it (`exit_with_parent`; None: its parent now, the
    batch pool's fork server, which ends with the ingest)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    exit_with_parent(os.getppid() if parent_pid is None else parent_pid)


def exit_with_parent(parent_pid: int) -> None:
    """Worker initializer: end this worker process as soon as the ingest that started it is gone.

    A pool's workers otherwise outlive a driver killed with SIGKILL (or the OOM killer), holding
    its output pipes open and its memory.
    """

    def watch() -> None:
        while os.getppid() == parent_pid:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="zhnews-exit-with-parent", daemon=True).start()


def share_prefect_api_with_workers() -> None:
    """Make worker processes report to this run's Prefect API.

    Without a configured PREFECT_API_URL, every process of a flow run that uses Prefect would start
    its own temporary server (seconds each, on every worker); pointing the workers at the one this
    process started keeps their task runs in the same place and saves that start-up.
    """
    from prefect.client.orchestration import get_client
    from prefect.settings import PREFECT_API_URL

    if PREFECT_API_URL.value():
        return
    with get_client(sync_client=True) as client:
        url = str(client.api_url)
    os.environ["PREFECT_API_URL"] = url
    if url.startswith(("http://127.0.0.1:", "http://localhost:")):
        # Plain HTTP on this machine: no TLS, so don't make every task's API client parse the CA bundle
        # (~0.1-0.3 s per task on a busy machine, measured with py-spy).
        os.environ.setdefault("PREFECT_API_TLS_INSECURE_SKIP_VERIFY", "true")
