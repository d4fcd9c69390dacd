"""Shared fixtures: paths, the profile set, a processor, and one Prefect test harness per session."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SAMPLES = ROOT / "samples"
SCORER = SHARED / "tools" / "score_gold.py"
SEED_GOLD = SHARED / "gold" / "seeds.json"

os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")


@pytest.fixture(scope="session")
def profiles():
    from flows.config import load_profiles

    return load_profiles()


@pytest.fixture(scope="session")
def processor(profiles):
    from transforms.pipeline import DumpProcessor

    return DumpProcessor(profiles)


@pytest.fixture(scope="session")
def prefect_harness():
    """One temporary Prefect backend for every flow test of the session (it takes ~10 s to start)."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness():
        yield


@pytest.fixture
def ingest(prefect_harness):
    """Run the real ingest flow: `ingest(paths, data_dir, **options) -> RunSummary`."""
    from flows.ingest import ingest_flow

    def run(paths, data_dir, **options):
        return ingest_flow(paths=[str(p) for p in paths], data_dir=str(data_dir), **options)

    return run


def run_cli(*args: object, env: dict[str, str] | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    """Run `python -m flows.cli ARGS...` from the project root as a user would; output captured as text.

    Never raises on a non-zero exit: tests assert on `returncode`, `stdout` and `stderr`.
    """
    return subprocess.run(
        [sys.executable, "-m", "flows.cli", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=timeout,
        check=False,
    )


def score(db: Path, gold: Path, min_f1: float) -> tuple[int, dict]:
    """Run the shared gold scorer on a warehouse; returns (exit code, its JSON report)."""
    if not SCORER.exists():
        pytest.fail(f"the gold scorer is missing: {SCORER} (shared/ must sit beside the project)")
    proc = subprocess.run(
        [sys.executable, str(SCORER), "--db", str(db), str(gold), "--min-f1", str(min_f1), "--json"],
        capture_output=True,
        text=True,
        check=False,
    )
    report = json.loads(proc.stdout[: proc.stdout.rindex("}") + 1])
    return proc.returncode, report
