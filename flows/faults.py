"""Fault injection for crash tests: `ZHNEWS_FAULT=POINT:BATCH` kills the process at that point.

POINT is one of FAULT_POINTS, BATCH the 1-based batch number within the run; the process sends
itself SIGKILL there, exactly like `kill -9` from outside (no cleanup, no `finally`). Unset in
normal use, where `fault_point` costs one dictionary lookup.
"""

from __future__ import annotations

import os
import signal

FAULT_ENV = "ZHNEWS_FAULT"
FAULT_POINTS = ("after-extract", "after-parquet", "mid-load", "after-load")


def fault_point(point: str, batch_no: int) -> None:
    """Kill this process with SIGKILL if ZHNEWS_FAULT names this point and batch."""
    wanted = os.environ.get(FAULT_ENV)
    if wanted and wanted == f"{point}:{batch_no}":
        os.kill(os.getpid(), signal.SIGKILL)
