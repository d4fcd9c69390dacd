"""The ingest flow: discover → extract (decode, split, clean, normalize) → Parquet → DuckDB."""

from __future__ import annotations

import datetime as dt
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from flows.artifacts import publish_summary
from flows.batches import batch_key, batch_rows, batched
from flows.extract import FileResult, extract_files
from flows.faults import fault_point
from flows.inputs import InputFile, discover
from flows.lock import data_dir_lock
from transforms.corpus_lines import LineStats
from transforms.segment import DEFAULT_ENGINE
from warehouse.parquet import write_batch
from warehouse.store import Warehouse
from warehouse.stories import rebuild_stories


@dataclass
class RunSummary:
    """What one ingest run did; printed at the end and stored in `loads`."""

    load_id: str
    data_dir: str
    files_seen: int = 0
    files_loaded: int = 0
    files_unchanged: int = 0
    quarantined: list[tuple[str, str]] = field(default_factory=list)
    flagged: list[tuple[str, str]] = field(default_factory=list)
    documents_seen: int = 0
    documents_new: int = 0
    lines_removed: int = 0
    rules: Counter[str] = field(default_factory=Counter)
    layouts: Counter[str] = field(default_factory=Counter)
    encodings: Counter[str] = field(default_factory=Counter)
    stage_seconds: Counter[str] = field(default_factory=Counter)
    input_bytes: int = 0
    wall_seconds: float = 0.0

    def counts(self) -> dict[str, int]:
        return {
            "files_seen": self.files_seen,
            "files_loaded": self.files_loaded,
            "files_unchanged": self.files_unchanged,
            "files_quarantined": len(self.quarantined),
            "documents_new": self.documents_new,
            "sightings_written": self.documents_seen,
            "lines_removed": self.lines_removed,
        }

    def add(self, result: FileResult) -> None:
        self.files_seen += 1
        self.input_bytes += result.file.size
        if result.outcome == "unchanged":
            self.files_unchanged += 1
            return
        if result.outcome == "quarantined":
            self.quarantined.append((result.file.path, result.reason or "?"))
            return
        self.files_loaded += 1
        if result.reason:
            self.flagged.append((result.file.path, result.reason))
        self.documents_seen += len(result.documents)
        self.lines_removed += len(result.removed)
        self.rules.update(result.stats)
        self.layouts[result.layout or "?"] += 1
        self.encodings[result.encoding or "?"] += 1


@task(name="extract", cache_policy=NO_CACHE)
def extract_batch(
    batch: list[InputFile],
    known: dict[str, str],
    profile_dirs: tuple[str, ...],
    line_stats: LineStats | None = None,
    segmenter: str = DEFAULT_ENGINE,
) -> list[FileResult]:
    """Decode, split, clean, normalize and segment a batch of files."""
    return extract_files(batch, known, profile_dirs, line_stats, segmenter)


@task(name="write-parquet", cache_policy=NO_CACHE)
def write_parquet(data_dir: Path, results: list[FileResult], load_id: str) -> dict[str, Path]:
    """Write the batch's rows as Parquet files (atomically)."""
    return write_batch(data_dir, batch_key(results), batch_rows(results, load_id), load_id)


@task(name="load-duckdb", cache_policy=NO_CACHE)
def load_duckdb(warehouse: Warehouse, parquet: dict[str, Path], batch_no: int = 0) -> int:
    """Load the batch's Parquet files into DuckDB in one transaction; returns new documents."""
    return warehouse.load_batch(parquet, before_commit=lambda: fault_point("mid-load", batch_no))


@task(name="stories", cache_policy=NO_CACHE)
def cluster_stories(warehouse: Warehouse) -> int:
    """Group near-duplicate documents into stories (needs every document, so runs after loading)."""
    return rebuild_stories(warehouse.con)


@flow(name="zhnews-ingest")
def ingest_flow(
    paths: list[str],
    data_dir: str = "data",
    profile_dirs: list[str] | None = None,
    batch_files: int = 200,
    wait_seconds: float = 0.0,
    show_progress: bool = False,
    segmenter: str = DEFAULT_ENGINE,
) -> RunSummary:
    """Ingest text dumps under `paths` into the warehouse in `data_dir`."""
    logger = get_run_logger()
    started = time.perf_counter()
    root = Path(data_dir).expanduser().resolve()
    root.mkdir(parents=True, exist_ok=True)
    profiles = tuple(str(Path(p).resolve()) for p in (profile_dirs or ()))
    load_id = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]
    summary = RunSummary(load_id=load_id, data_dir=str(root))
    inputs = list(discover(paths))
    console = Console(stderr=True)
    with data_dir_lock(root, wait_seconds, on_wait=console.print), Warehouse(root) as warehouse:
        warehouse.begin_load(load_id)
        logger.info("load %s: %d input files", load_id, len(inputs))
        try:
            with _progress(console, show_progress) as progress:
                bar = progress.add_task("ingesting", total=len(inputs))
                for batch_no, batch in enumerate(batched(inputs, batch_files), start=1):
                    t0 = time.perf_counter()
                    known = warehouse.known_hashes([i.file_id for i in batch])
                    results = extract_batch(batch, known, profiles, warehouse.line_stats(), segmenter)
                    fault_point("after-extract", batch_no)
                    t1 = time.perf_counter()
                    parquet = write_parquet(root, results, load_id)
                    fault_point("after-parquet", batch_no)
                    t2 = time.perf_counter()
                    summary.documents_new += load_duckdb(warehouse, parquet, batch_no)
                    fault_point("after-load", batch_no)
                    t3 = time.perf_counter()
                    summary.stage_seconds.update({"extract": t1 - t0, "parquet": t2 - t1, "load": t3 - t2})
                    for result in results:
                        summary.add(result)
                    progress.advance(bar, len(batch))
            if summary.files_loaded:
                t0 = time.perf_counter()
                cluster_stories(warehouse)
                summary.stage_seconds["stories"] += time.perf_counter() - t0
        except BaseException as exc:
            warehouse.finish_load(load_id, "failed", summary.counts(), f"{type(exc).__name__}: {exc}")
            raise
        summary.wall_seconds = time.perf_counter() - started
        warehouse.finish_load(load_id, "completed", summary.counts())
    logger.info("load %s completed: %s", load_id, summary.counts())
    publish_summary(summary)
    return summary


def _progress(console: Console, enabled: bool) -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=console,
        disable=not enabled,
        transient=True,
    )
