"""The batch pool: worker processes for the CPU-bound batch work that never import Prefect.

Batches stay Prefect task runs (the flow records each one), run by a thread of the ingest's own
process (`BatchPoolTaskRunner`); the thread hands the batch's work to a plain process pool and
waits for it. The pool's workers are forked from a fork server that has imported the extraction
code and built its tables once (`zhnews.flows.pool_preload`): the workers share those pages
copy-on-write instead of each importing Prefect, DuckDB and the extraction code and building the
tables again.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.forkserver
import multiprocessing.resource_tracker
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from typing import Any, Self, TypeVar

from prefect.task_runners import ThreadPoolTaskRunner
from zhnews.flows.runners import start_worker

T = TypeVar("T")

# What the fork server imports before it forks any worker (it runs nothing else).
PRELOAD = ["zhnews.flows.pool_preload"]

_current: ProcessPoolExecutor | None = None
_current_lock = threading.Lock()


def run_in_pool(fn: Callable[..., T], /, *args: Any) -> T:
    """`fn(*args)` in a worker of the running batch pool, or here when none runs (one worker, a
    Dask worker). A worker that dies mid-batch fails that batch with `BrokenProcessPool`."""
    pool = _current
    if pool is None:
        return fn(*args)
    return pool.submit(fn, *args).result()


class BatchPoolTaskRunner(ThreadPoolTaskRunner):
    """Prefect task runs in this process's threads, the batch work they hand to `run_in_pool` in
    `processes` forked worker processes.

    `max_workers` threads: as many task runs as the ingest keeps in flight, so the next batches wait
    in the pool's queue and no worker idles between two.
    """

    def __init__(self, max_workers: int | None = None, processes: int = 2):
        super().__init__(max_workers=max_workers)
        self.processes = processes
        self._pool: ProcessPoolExecutor | None = None

    def duplicate(self) -> Self:
        return type(self)(max_workers=self._max_workers, processes=self.processes)

    def __enter__(self) -> Self:
        global _current
        with _current_lock:
            if _current is not None:
                raise RuntimeError("a batch pool is already running in this process")
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(PRELOAD)
            multiprocessing.forkserver.ensure_running()  # the fork server imports while the first batches queue
            self._pool = _current = ProcessPoolExecutor(self.processes, mp_context=context, initializer=start_worker)
        return super().__enter__()

    def __exit__(self, exc_type: Any, exc_value: Any, traceback: Any) -> None:
        global _current
        try:
            if exc_type is not None and self._pool is not None:  # batches not started yet are not waited for
                self._pool.shutdown(wait=False, cancel_futures=True)
            super().__exit__(exc_type, exc_value, traceback)
        finally:
            with _current_lock:
                _current = None
            if self._pool is not None:
                self._pool.shutdown(wait=True, cancel_futures=True)
                self._pool = None
            stop_helper_processes()


def stop_helper_processes() -> None:
    """End the fork server (it holds the extraction code's memory) once its workers are gone, and
    multiprocessing's resource tracker, which the pool started (left running, it outlived the ingest
    by a moment, a process left in the terminal's process group).

    Python starts one of each per process and keeps them until the process ends; `_stop` is how its
    own tests end them. A later pool starts new ones.
    """
    for helper in (multiprocessing.forkserver._forkserver, multiprocessing.resource_tracker._resource_tracker):
        stop = getattr(helper, "_stop", None)
        if stop is not None:
            stop()
