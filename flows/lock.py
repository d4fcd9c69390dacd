"""One writer per data dir: an advisory file lock around every ingest."""

from __future__ import annotations

import fcntl
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

LOCK_NAME = ".zhnews.lock"
_held: dict[Path, int] = {}  # data dirs this process holds, with nesting depth (the CLI, then the flow)


class DataDirBusy(RuntimeError):
    """Another zhnews run holds the data dir."""


@contextmanager
def data_dir_lock(
    data_dir: Path, wait_seconds: float = 0.0, on_wait: Callable[[str], None] | None = None
) -> Iterator[None]:
    """Hold the data dir's lock; wait up to `wait_seconds` for another run to finish.

    Re-entrant within a process: the CLI takes the lock before Prefect starts (so a busy data
    dir is reported at once), and the flow, which also runs from deployments, takes it again.
    """
    key = data_dir.resolve()
    if key in _held:
        _held[key] += 1
        try:
            yield
        finally:
            _held[key] -= 1
        return
    path = data_dir / LOCK_NAME
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + wait_seconds
        told = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                holder = os.pread(fd, 200, 0).decode(errors="replace").strip() or "another process"
                if time.monotonic() >= deadline:
                    raise DataDirBusy(
                        f"{data_dir} is being written by another zhnews run ({holder}); "
                        "wait for it to finish or use --wait SECONDS"
                    ) from None
                if on_wait and not told:
                    on_wait(f"waiting for another zhnews run on {data_dir} ({holder}) to finish...")
                    told = True
                time.sleep(0.2)
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()}".encode(), 0)
        _held[key] = 1
        try:
            yield
        finally:
            del _held[key]
    finally:
        os.close(fd)
