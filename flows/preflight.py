"""Checks the CLI makes before starting a run, so that common mistakes get one clear line.

They run before Prefect starts (which takes seconds): missing or unreadable input paths, a data
dir that cannot be created or written, a warehouse file another program holds open.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


class CannotRun(RuntimeError):
    """The run cannot start; the message says why and what to do."""


def check_inputs(paths: list[Path]) -> None:
    """Every input path exists (a broken symbolic link is named as such)."""
    for path in paths:
        if path.is_symlink() and not path.exists():
            raise CannotRun(f"{path} is a broken symbolic link (its target {os.readlink(path)} does not exist)")
        if not path.exists():
            raise CannotRun(f"no such file or folder: {path}")


def prepare_data_dir(data_dir: Path) -> Path:
    """Create the data dir if needed and prove it is writable; returns its absolute path."""
    root = data_dir.expanduser().absolute()
    hint = "choose a writable folder with --data-dir"
    if root.exists() and not root.is_dir():
        raise CannotRun(f"data dir {root} is a file, not a folder; {hint}")
    try:
        root.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=root):
            pass
    except OSError as exc:
        raise CannotRun(f"cannot write to data dir {root} ({exc.strerror or exc}); {hint}") from None
    return root.resolve()


def check_warehouse(root: Path) -> None:
    """The warehouse opens read-write (raises WarehouseUnavailable with what to do if not).

    Opening it starts the loader's copy when the last run completed: the file it published over,
    brought up to date by doing that run's loads again, or else a copy of the published file (~1 s
    for 1 GB). It also runs a query with a parameter: DuckDB's first one
    imports pandas and NumPy (0.3-0.9 s). The run would pay both anyway; done here, they overlap the
    start-up of Prefect's server.
    """
    from zhnews.warehouse.store import Warehouse  # imported here: the other checks run before any heavy import

    warehouse = Warehouse(root, logged=True)
    try:
        warehouse.con.execute("SELECT count(*) FROM loads WHERE status = ?", ["running"]).fetchone()
    finally:
        warehouse.close()  # a check: nothing to publish
