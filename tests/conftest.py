"""Shared fixtures: paths, the profile set, a processor, and one Prefect test harness per session."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SAMPLES = ROOT / "samples"
SCORER = SHARED / "tools" / "score_gold.py"
SEED_GOLD = SHARED / "gold" / "seeds.json"

os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
# a busy 2-core machine (other jobs, CI neighbours) can take longer than the default 20 s to boot the temporary server
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "90")


@pytest.fixture(scope="session")
def profiles():
    from zhnews.flows.config import load_profiles

    return load_profiles()


@pytest.fixture(scope="session")
def processor(profiles):
    from zhnews.transforms.pipeline import DumpProcessor

    return DumpProcessor(profiles)


@pytest.fixture(scope="session")
def prefect_harness():
    """One temporary Prefect backend for every flow test of the session (it takes ~10 s to start; on a
    busy machine far longer, so it is given 2 minutes rather than Prefect's 30 s)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture
def ingest(prefect_harness):
    """Run the real ingest flow: `ingest(paths, data_dir, **options) -> RunSummary`."""
    from zhnews.flows.ingest import ingest_flow

    def run(paths, data_dir, **options):
        return ingest_flow(paths=[str(p) for p in paths], data_dir=str(data_dir), **options)

    return run


def run_cli(*args: object, env: dict[str, str] | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    """Run `python -m zhnews.flows.cli ARGS...` from the project root as a user would; output captured as text.

    Never raises on a non-zero exit: tests assert on `returncode`, `stdout` and `stderr`.
    """
    return subprocess.run(
        [sys.executable, "-m", "zhnews.flows.cli", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=timeout,
        check=False,
    )


def shared_file(path: Path) -> Path:
    """A file of the shared data beside the project (`../shared`); the test that needs it is skipped,
    with the reason, in a copy of the project without it."""
    if not path.exists():
        pytest.skip(f"needs {path} (the shared data, ../shared beside the project, is absent)")
    return path


def score(db: Path, gold: Path, min_f1: float) -> tuple[int, dict]:
    """Run the shared gold scorer on a warehouse; returns (exit code, its JSON report)."""
    scorer, gold = shared_file(SCORER), shared_file(gold)
    proc = subprocess.run(
        [sys.executable, str(scorer), "--db", str(db), str(gold), "--min-f1", str(min_f1), "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    report = json.loads(proc.stdout[: proc.stdout.rindex("}") + 1])
    return proc.returncode, report


def ingest_annotated(
    ingest, folder: Path, tmp_path: Path, min_f1: float, generic_ok: bool = False
) -> tuple[Path, dict]:
    """Ingest an annotated folder (`*.txt` + `gold.json`) with the real flow, each dump dated as the
    gold says it was saved (its file's `saved_at`, else the set's: its mtime, which relative dates and
    dates without a year are read against), check
    every file loads cleanly (with `generic_ok`, some may be flagged as read by the generic fallback), and score the
    warehouse with the shared scorer.

    Returns the warehouse file and the scorer's report (its exit code is already checked)."""
    from bench.eval_layouts import saved_copies

    shared_file(SCORER)  # before the ingest: skipped at once without the shared data
    gold = folder / "gold.json"
    dumps = saved_copies(sorted(folder.glob("*.txt")), json.loads(gold.read_text(encoding="utf-8")), tmp_path)
    summary = ingest(dumps, tmp_path / "data")
    assert (summary.files_loaded, summary.quarantined) == (len(dumps), [])
    if generic_ok:  # pages no layout fits are loaded with the generic fallback, and flagged so
        assert all("generic" in reason for _, reason in summary.flagged), summary.flagged
    else:
        assert summary.flagged == []
    db = tmp_path / "data" / "zhnews.duckdb"
    code, report = score(db, gold, min_f1)
    assert code == 0, report["problems"]
    return db, report


def assert_every_document_right(report: dict, documents: int) -> None:
    """The scorer found exactly the gold's `documents`, each with its title, outlet and date right."""
    metrics, counts = report["metrics"], report["counts"]
    assert (metrics["precision"], metrics["recall"]) == (1.0, 1.0), report["problems"]
    assert (counts["docs_gold"], counts["docs_pred"], counts["docs_paired"]) == (documents,) * 3
    assert metrics["title_acc"] == metrics["source_acc"] == metrics["date_acc"] == 1.0, report["problems"]


def files_and_topics(db: Path) -> tuple[dict[str, tuple[str, str]], set[str]]:
    """A warehouse's files by name → (layout, encoding), and the search topics its listings gave."""
    import duckdb

    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute("SELECT regexp_extract(path, '[^/]+$'), layout, encoding FROM files").fetchall()
        topics = con.execute("SELECT DISTINCT topic FROM sightings WHERE topic IS NOT NULL").fetchall()
    return {name: (layout, encoding) for name, layout, encoding in rows}, {t for (t,) in topics}


@contextmanager
def warehouse_held_open(path: Path) -> Iterator[subprocess.Popen]:
    """Another program (a DuckDB client in its own process) holding the database file at `path` open."""
    holder = subprocess.Popen(
        [sys.executable, "-c", f"import duckdb, sys; c = duckdb.connect({str(path)!r}); "
         "print('open', flush=True); sys.stdin.read()"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "open"
        yield holder
    finally:
        holder.communicate("")
