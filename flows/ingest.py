"""The ingest flow: discover → extract (decode, split, clean, normalize) → Parquet → DuckDB."""

from __future__ import annotations

import datetime as dt
import time
import uuid
from collections import Counter, deque
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.futures import PrefectFuture
from prefect.states import Failed, State
from prefect.task_runners import TaskRunner
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from zhnews.flows.artifacts import publish_summary
from zhnews.flows.config import load_profiles
from zhnews.flows.entities import find_entities
from zhnews.flows.faults import fault_point
from zhnews.flows.inputs import InputFile, Listing, listed
from zhnews.flows.lock import DataDirBusy, data_dir_lock
from zhnews.flows.runners import (
    check_runner_options,
    default_workers,
    make_task_runner,
    share_prefect_api_with_workers,
)
from zhnews.transforms.entities import DEFAULT_TAGGER
from zhnews.transforms.segment import DEFAULT_ENGINE
from zhnews.warehouse.store import Warehouse, WarehouseUnavailable

if TYPE_CHECKING:
    from zhnews.flows.batches import BatchOutput
    from zhnews.flows.extract import FileOutcome
    from zhnews.transforms.corpus_lines import LineStats

# The extraction code (flows.batches, flows.extract and the transforms behind them) and the stories
# pass are imported where they are used: a run with nothing to extract or group never loads them
# (seconds of imports, in a start-up that waits for nothing else).


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
    interrupted: list[str] = field(default_factory=list)  # earlier loads found dead: this run finishes them
    repaired: list[str] = field(default_factory=list)  # derived tables they left out of date, brought up to date
    reprocessed: int = 0  # files loaded before and extracted again (--reprocess)

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

    def add_unchanged(self, files: int, size: int) -> None:
        """Count files the warehouse holds as they are (`size` bytes in all): skipped, not listed."""
        self.files_seen += files
        self.files_unchanged += files
        self.input_bytes += size

    def add(self, result: FileOutcome) -> None:
        """Count a file the run read: loaded or quarantined."""
        self.files_seen += 1
        self.input_bytes += result.file.size
        if result.outcome == "quarantined":
            self.quarantined.append((result.file.path, result.reason or "?"))
            return
        self.files_loaded += 1
        if result.reason:
            self.flagged.append((result.file.path, result.reason))
        self.documents_seen += result.doc_count
        self.lines_removed += result.removed_count
        self.rules.update(result.stats)
        self.layouts[result.layout or "?"] += 1
        self.encodings[result.encoding or "?"] += 1


@task(name="extract-batch", cache_policy=NO_CACHE)
def extract_batch(
    batch: list[InputFile],
    profile_dirs: tuple[str, ...],
    data_dir: str,
    load_id: str,
    line_stats: LineStats | None = None,
    segmenter: str = DEFAULT_ENGINE,
    entities: str = "off",
) -> BatchOutput:
    """Decode, split, clean, normalize and segment a batch of files, find their entities, and write its
    Parquet files (in a worker of the batch pool, or in this task's process when none runs)."""
    from zhnews.flows.batches import run_batch
    from zhnews.flows.pool import run_in_pool

    return run_in_pool(run_batch, batch, profile_dirs, data_dir, load_id, line_stats, segmenter, entities)


@task(name="stories", cache_policy=NO_CACHE)
def cluster_stories(warehouse: Warehouse) -> int:
    """Place the documents the loads brought or dropped in near-duplicate stories (after loading)."""
    return warehouse.update_stories()


@flow(name="zhnews-ingest")
def ingest_flow(
    paths: list[str],
    data_dir: str = "data",
    profile_dirs: list[str] | None = None,
    batch_files: int | None = None,
    batch_bytes: int | None = None,
    workers: int | None = None,
    task_runner: str = "process",
    dask_address: str | None = None,
    wait_seconds: float = 0.0,
    show_progress: bool = False,
    segmenter: str = DEFAULT_ENGINE,
    retry_seconds: list[float] | None = None,
    reprocess: bool = False,
    entities: str = DEFAULT_TAGGER,
) -> RunSummary | State:
    """Ingest text dumps under `paths` into the warehouse in `data_dir`.

    Files whose content the warehouse already holds are skipped here (same size and mtime as loaded,
    or else read + hash) and only counted: a run that finds nothing new writes no row a file. The
    other files go, in batches, to `workers` worker processes (or a Dask cluster) that extract them and
    write each batch's Parquet files; this process loads every batch into DuckDB, in input order,
    while the workers go on with the next batches.

    When the data dir stays busy (another run holds it past `wait_seconds`, or another program holds
    the loader's copy open), the run tries again after each of `retry_seconds` (a scheduled run's
    backoff); if it still cannot have it, the run ends Failed with that one line, no traceback.

    `batch_files`, `batch_bytes`: most files and bytes per batch (None: flows.batches' defaults).

    `entities`: how people, places and organisations are found (flows.entities; "off": not at all).

    `reprocess`: files already loaded are extracted again too (after a profile change), replacing
    their rows; the tables are those a first load of the files with the current profiles gives.
    """
    parameters = locals()  # the flow's parameters, as they are
    try:
        return _ingest(**parameters)
    except (DataDirBusy, WarehouseUnavailable) as exc:
        if not retry_seconds:
            raise  # the CLI says it in one line itself
        return Failed(message=f"gave up after {len(retry_seconds)} retries: {exc}")


def _ingest(
    paths: list[str],
    data_dir: str,
    profile_dirs: list[str] | None,
    batch_files: int | None,
    batch_bytes: int | None,
    workers: int | None,
    task_runner: str,
    dask_address: str | None,
    wait_seconds: float,
    show_progress: bool,
    segmenter: str,
    retry_seconds: list[float] | None,
    reprocess: bool,
    entities: str = DEFAULT_TAGGER,
) -> RunSummary:
    """The ingest flow's work (see `ingest_flow`)."""
    logger = get_run_logger()
    started = time.perf_counter()
    root = Path(data_dir).expanduser().resolve()
    root.mkdir(parents=True, exist_ok=True)
    profiles = tuple(str(Path(p).resolve()) for p in (profile_dirs or ()))
    load_profiles(profiles)  # every profile checked first, on every run: a faulty one stops it before any file is read
    load_id = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]
    summary = RunSummary(load_id=load_id, data_dir=str(root))
    listing = listed(paths)
    console = Console(stderr=True)
    check_runner_options(task_runner, workers, dask_address)  # before touching the warehouse
    with _held_warehouse(root, wait_seconds, retry_seconds or [], console) as warehouse:
        previous_unfinished = warehouse.last_load_status() not in (None, "completed")
        summary.interrupted = warehouse.begin_load(load_id)
        if reprocess:  # the whole run publishes at once: readers never see the files forgotten
            summary.reprocessed = warehouse.forget_files(listing.file_ids())
        logger.info("load %s: %d input files", load_id, len(listing))
        try:
            with _progress(console, show_progress) as progress:
                bar = progress.add_task("ingesting", total=len(listing))
                t0 = time.perf_counter()
                batches = _batches(_files_to_read(listing, warehouse, summary), batch_files, batch_bytes)
                summary.stage_seconds["check unchanged"] += time.perf_counter() - t0
                progress.advance(bar, summary.files_unchanged)
                entity_workers = workers  # the entities step's own (the run's cores: None)
                if task_runner == "process" and len(batches) < 2:
                    workers = 1  # one batch to extract: starting worker processes would cost more than it saves
                work = {
                    "profile_dirs": profiles,
                    "data_dir": str(root),
                    "load_id": load_id,
                    "segmenter": segmenter,
                    "entities": entities,  # each batch brings its documents' entities
                }
                if batches:
                    # The warehouse's corpus line counts as the run starts (each batch adds its own): every
                    # batch gets the same, so batches are independent and run in any order on any worker.
                    work["line_stats"] = warehouse.line_stats()
                runner = make_task_runner(task_runner, workers, dask_address)
                in_flight = 2 * (workers or default_workers())
                outputs = _run_batches(batches, work, runner, in_flight, summary.stage_seconds)
                for batch_no, output in enumerate(outputs, start=1):
                    fault_point("after-extract", batch_no)
                    fault_point("after-parquet", batch_no)
                    _load(warehouse, output, summary, batch_no)
                    fault_point("after-load", batch_no)
                    progress.advance(bar, len(output.files))
            if batches or summary.reprocessed:
                t0 = time.perf_counter()
                warehouse.checkpoint()  # the loads' write-ahead log leaves memory before the stories pass
                summary.stage_seconds["checkpoint"] += time.perf_counter() - t0
            t0 = time.perf_counter()
            if summary.files_loaded or summary.reprocessed:
                cluster_stories(warehouse)
            elif previous_unfinished and _stories_out_of_date(warehouse):  # it died before this pass
                cluster_stories(warehouse)
                summary.repaired.append("stories rebuilt (an earlier run ended before its stories pass)")
            summary.stage_seconds["stories"] += time.perf_counter() - t0
            t0 = time.perf_counter()  # the documents the loads brought that their batches brought no entities for
            find_entities(warehouse, profiles, entities, entity_workers)
            summary.stage_seconds["entities after loads"] += time.perf_counter() - t0
        except BaseException as exc:
            warehouse.finish_load(load_id, "failed", summary.counts(), f"{type(exc).__name__}: {exc}")
            raise
        warehouse.finish_load(load_id, "completed", summary.counts())
        summary.stage_seconds["publish"] = warehouse.publish()
        summary.wall_seconds = time.perf_counter() - started
    logger.info("load %s completed: %s", load_id, summary.counts())
    publish_summary(summary)
    return summary


@contextmanager
def _held_warehouse(
    root: Path, wait_seconds: float, retry_seconds: list[float], console: Console
) -> Iterator[Warehouse]:
    """The data dir's lock and the loader's copy of its warehouse, trying again after each of `retry_seconds`."""
    for delay in [*retry_seconds, None]:
        held = ExitStack()
        try:
            held.enter_context(data_dir_lock(root, wait_seconds, on_wait=console.print))
            warehouse = held.enter_context(Warehouse(root, memory_limit=LOAD_MEMORY_LIMIT, logged=True))
        except (DataDirBusy, WarehouseUnavailable) as exc:
            held.close()
            if delay is None:
                raise
            get_run_logger().warning("%s; trying again in %g s", exc, delay)
            time.sleep(delay)
            continue
        with held:
            yield warehouse
        return


def _run_batches(
    batches: list[list[InputFile]], work: dict, runner: TaskRunner, in_flight: int, waited: Counter[str]
) -> Iterator[BatchOutput]:
    """Each batch's output, in batch order, while the runner's workers go on with the next batches.

    A batch is one task on a worker. At most `in_flight` tasks are submitted and not yet taken:
    enough to keep every worker busy, few enough that memory stays flat however many batches there
    are. The runner (worker processes, a Dask cluster) is started only when there is something to
    extract.
    """
    if not batches:
        return
    share_prefect_api_with_workers()
    with runner:
        pending: deque[PrefectFuture[BatchOutput]] = deque()
        for batch in batches:
            pending.append(runner.submit(extract_batch, {"batch": batch, **work}))
            if len(pending) >= in_flight:
                yield _result(pending.popleft(), waited)
        while pending:
            yield _result(pending.popleft(), waited)


def _result(future: PrefectFuture[BatchOutput], waited: Counter[str]) -> BatchOutput:
    started = time.perf_counter()
    output = future.result()
    waited["wait for workers"] += time.perf_counter() - started
    return output


# DuckDB's cache would otherwise grow with the warehouse (up to 80 % of RAM): a batch load needs
# little, so the driver's memory stays flat however large the warehouse gets.
LOAD_MEMORY_LIMIT = "256MB"


def _files_to_read(listing: Listing, warehouse: Warehouse, summary: RunSummary) -> list[InputFile]:
    """The listed files to extract, in listing order. The others, whose content the warehouse holds
    (same size and mtime as loaded, or the same content hash), are counted into `summary` as
    unchanged: the run writes no row for them (its `loads` row counts them), but records the new
    modification time of those it had to read to know (touched), so that it reads them only once. A
    listing the last check found all unchanged, with nothing loaded since, is not compared again."""
    to_read: list[InputFile] = []
    touched: list[tuple[str, int]] = []
    digest = listing.digest()
    rows = [] if warehouse.listing_unchanged(digest) else warehouse.files_to_read(listing.table())
    if not rows:
        warehouse.record_unchanged_listing(digest)
    for row, known_hash in rows:
        item = listing.item(row)
        if known_hash is not None and _same_content(item, known_hash):
            touched.append((item.file_id, item.mtime_ns))
        else:
            to_read.append(item)
    warehouse.record_mtimes(touched)
    unchanged_bytes = sum(listing.sizes) - sum(item.size for item in to_read)
    summary.add_unchanged(len(listing) - len(to_read), unchanged_bytes)
    return to_read


def _same_content(item: InputFile, known_hash: str) -> bool:
    from zhnews.flows.extract import same_content

    return same_content(item, known_hash)


def _batches(files: list[InputFile], max_files: int | None, max_bytes: int | None) -> list[list[InputFile]]:
    """The files to extract in batches (`max_files`, `max_bytes`: most per batch, None for
    flows.batches' defaults); no batch (and no import of the extraction code) when there are none."""
    if not files:
        return []
    from zhnews.flows.batches import BATCH_BYTES, BATCH_FILES, batched

    return list(batched(files, max_files or BATCH_FILES, max_bytes or BATCH_BYTES))


def _load(warehouse: Warehouse, output: BatchOutput, summary: RunSummary, batch_no: int) -> None:
    """Load one batch's Parquet files into DuckDB and count its files into the summary."""
    t0 = time.perf_counter()
    parquet = {table: Path(path) for table, path in output.parquet.items()}
    summary.documents_new += warehouse.load_batch(parquet, before_commit=lambda: fault_point("mid-load", batch_no))
    summary.stage_seconds["load"] += time.perf_counter() - t0
    summary.stage_seconds.update(output.seconds)
    for outcome in output.files:
        summary.add(outcome)


def _stories_out_of_date(warehouse: Warehouse) -> bool:
    from zhnews.warehouse.stories import stories_up_to_date

    return not stories_up_to_date(warehouse.con)


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
