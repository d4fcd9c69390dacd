"""Fault injection for crash and concurrency tests, selected by environment variables.

`ZHNEWS_FAULT=POINT:BATCH` kills the process with SIGKILL at that point of that batch (1-based
within the run), exactly like `kill -9` from outside: no cleanup, no `finally`.
`ZHNEWS_FAULT=POINT:BATCH:pause` instead creates the file `$ZHNEWS_FAULT_RELEASE.paused` and
waits (holding the data dir) until the file `$ZHNEWS_FAULT_RELEASE` exists.
Unset in normal use, where `fault_point` costs one environment lookup.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

FAULT_ENV = "ZHNEWS_FAULT"
RELEASE_ENV = "ZHNEWS_FAULT_RELEASE"
FAULT_POINTS = ("after-extract", "after-parquet", "mid-load", "after-load")
MAX_PAUSE_SECONDS = 300


def fault_point(point: str, batch_no: int) -> None:
    """Act on ZHNEWS_FAULT if it names this point and batch."""
    wanted = os.environ.get(FAULT_ENV)
    if not wanted:
        return
    pause = wanted.endswith(":pause")
    if wanted.removesuffix(":pause") != f"{point}:{batch_no}":
        return
    if not pause:
        os.kill(os.getpid(), signal.SIGKILL)
    release = Path(os.environ[RELEASE_ENV])
    Path(f"{release}.paused").touch()
    deadline = time.monotonic() + MAX_PAUSE_SECONDS
    while not release.exists() and time.monotonic() < deadline:
        time.sleep(0.1)
