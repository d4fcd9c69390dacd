"""The `zhnews` command line."""

from __future__ import annotations

import atexit
import concurrent.futures
import json
import logging
import os
import signal
import sys
import threading
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from zhnews.transforms.entities import DEFAULT_TAGGER
from zhnews.warehouse import DB_NAME, TIMEZONE

if TYPE_CHECKING:
    from zhnews.flows.ingest import RunSummary
    from zhnews.transforms.corpus_lines import LineStats
    from zhnews.transforms.dump_pipeline import ProcessedDump

app = typer.Typer(
    help="zhnews: Chinese news text dumps → clean, de-duplicated Parquet and DuckDB tables.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)
console = Console(stderr=True)

DataDir = Annotated[Path, typer.Option("--data-dir", "-d", help=f"Warehouse folder ({DB_NAME}, parquet/).")]
ProfilesOpt = Annotated[
    list[Path] | None,
    typer.Option("--profiles", help="Extra folder of site profiles (*.toml, outlets*.tsv); repeatable."),
]

SegmenterOpt = Annotated[
    str,
    typer.Option(
        "--segmenter",
        help="Word segmentation engine: rjieba (jieba-rs, fast, same tokens) or jieba (the reference).",
    ),
]


SERVER_STARTUP_SECONDS = 90


def _quiet_prefect(verbose: bool) -> None:
    """Prefect logs nothing unless asked (zhnews prints its own one-line errors); set before prefect is imported."""
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "INFO" if verbose else "CRITICAL")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DO_NOT_TRACK", "1")  # no SDK telemetry (and no start-up cost for it in every worker)
    # Prefect's 20 s for its temporary server to answer is too short on a busy 2-core machine (a benchmark ingest
    # at load 5 failed with "did not answer within 20 s"): the wait ends as soon as the server answers anyway
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", str(SERVER_STARTUP_SECONDS))
    if not verbose:  # Prefect's queue services log under their class names, outside PREFECT_LOGGING_LEVEL's
        # reach: "EventsWorker - Still processing items: 2 items remaining..." at the end of every run
        logging.getLogger("EventsWorker").setLevel(logging.ERROR)


def _check_segmenter(engine: str) -> None:
    from zhnews.transforms.segment import ENGINES

    if engine not in ENGINES:
        raise fail(f"unknown --segmenter {engine!r}; choose one of: {', '.join(ENGINES)}")


_ROLLED_BACK = "the batch in progress was rolled back, run again to finish"


def fail(message: str, code: int = 2) -> typer.Exit:
    """Print a one-line error (one line per fault when there are several) and return the Exit to raise."""
    from rich.markup import escape

    for line in message.splitlines() or [""]:
        console.print(f"[bold red]error:[/] {escape(line)}", soft_wrap=True, highlight=False)
    return typer.Exit(code)


def _check_profiles(profiles: list[Path] | None) -> None:
    """Read and check every profile (built-in and `--profiles`) before anything else, or fail with each fault."""
    from zhnews.flows.config import load_profiles
    from zhnews.transforms.profiles import ProfileError

    try:
        load_profiles([str(p) for p in profiles or ()])
    except ProfileError as exc:
        raise fail(str(exc)) from None


def _one_line(exc: BaseException, verbose: bool) -> str:
    """An exception as one line: zhnews' own errors by message, anything else with its type."""
    from zhnews.flows.lock import DataDirBusy
    from zhnews.flows.preflight import CannotRun
    from zhnews.transforms.profiles import ProfileError
    from zhnews.warehouse.store import WarehouseUnavailable

    if isinstance(exc, ProfileError):
        return str(exc)  # one line per fault
    message = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    if isinstance(exc, CannotRun | DataDirBusy | WarehouseUnavailable | FileNotFoundError):
        return message
    return f"{type(exc).__name__}: {message}" + ("" if verbose else " (run with --verbose to see the traceback)")


@app.callback()
def main() -> None:
    """zhnews: Chinese news text dumps → clean, de-duplicated Parquet and DuckDB tables."""


EntitiesOpt = Annotated[
    str,
    typer.Option(
        "--entities",
        help="How people, places and organisations are found: gated (dictionary names, then Baidu LAC only around"
        " the words jieba's tags see as names or organisations: ~2.5x faster than lac), lac (LAC on every"
        " sentence: a little better recall), none (dictionary names only), off (not at all).",
    ),
]


def _check_entities(tagger: str) -> None:
    from zhnews.flows.config import ENTITY_CHOICES  # not flows.entities: Prefect is imported after _quiet_prefect

    if tagger not in ENTITY_CHOICES:
        raise fail(f"unknown --entities {tagger!r}; choose one of: {', '.join(ENTITY_CHOICES)}")


@app.command()
def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Dump files and/or folders of dumps (*.txt).")],
    data_dir: DataDir = Path("data"),
    profiles: ProfilesOpt = None,
    batch_files: Annotated[
        int,
        typer.Option(
            help="Most files per batch (a batch is one worker task, one Parquet file per table, one transaction)."
        ),
    ] = 2000,
    batch_mb: Annotated[float, typer.Option(help="Most megabytes of input per batch.")] = 4.0,
    workers: Annotated[
        int | None,
        typer.Option(help="Worker processes for the CPU-bound work (default: one per core; 1 = in this process)."),
    ] = None,
    task_runner: Annotated[
        str, typer.Option(help="Where batches run: `process` (local worker processes) or `dask` (a Dask cluster).")
    ] = "process",
    dask_address: Annotated[
        str | None,
        typer.Option(
            help="Scheduler of an existing Dask cluster (tcp://host:8786); without it, a temporary LocalCluster."
        ),
    ] = None,
    wait: Annotated[float, typer.Option(help="Seconds to wait for another run holding the data dir.")] = 0.0,
    progress: Annotated[bool, typer.Option(help="Show a progress bar.")] = True,
    segmenter: SegmenterOpt = "rjieba",
    entities: EntitiesOpt = DEFAULT_TAGGER,
    reprocess: Annotated[
        bool,
        typer.Option(
            "--reprocess",
            help="Extract files already loaded again, with the current profiles, replacing their rows"
            " (readers see the new tables when the run completes).",
        ),
    ] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Show Prefect's logs.")] = False,
    summary_json: Annotated[
        Path | None, typer.Option(help="Also write the run summary as JSON to this file (for scripts).")
    ] = None,
) -> None:
    """Load dumps into the warehouse: split, clean, normalize, write Parquet, load DuckDB.

    Re-running on the same files is safe: unchanged files are skipped, changed files replace
    their earlier rows. Files that are not readable text are quarantined with a reason and the
    run goes on; the exit code is non-zero only when the run itself fails.
    """
    from zhnews.flows.inputs import list_ahead
    from zhnews.flows.lock import data_dir_lock
    from zhnews.flows.preflight import check_inputs, check_warehouse, prepare_data_dir
    from zhnews.flows.runners import check_runner_options

    try:
        check_runner_options(task_runner, workers, dask_address)
    except ValueError as exc:
        raise fail(str(exc)) from None
    _check_segmenter(segmenter)
    _check_entities(entities)
    _check_profiles(profiles)
    interrupted = _catch_ctrl_c_once()
    try:
        check_inputs(paths)
        inputs = [str(p) for p in paths]
        root = prepare_data_dir(data_dir)
        with data_dir_lock(root, wait, on_wait=lambda line: console.print(line, soft_wrap=True)):
            _quiet_prefect(verbose)
            from zhnews.flows.api_server import prefect_api

            with prefect_api(
                on_lost=_end_run_without_api
            ) as api_ready:  # Prefect's temporary server starts while the pipeline loads
                # in threads: starting the loader's copy of a large warehouse is mostly waiting for the
                # disk, listing the inbox mostly stat calls
                checking = concurrent.futures.ThreadPoolExecutor(2, thread_name_prefix="zhnews-check")
                checked = checking.submit(check_warehouse, root)
                list_ahead(inputs, checking)
                checking.shutdown(wait=False)
                from zhnews.flows.ingest import ingest_flow

                checked.result()  # its error, if any, is the run's
                if any(_may_hold_files(p) for p in paths):
                    threading.Thread(target=_import_ahead, name="zhnews-import-ahead", daemon=True).start()
                with api_ready():
                    summary = ingest_flow(
                        paths=inputs,
                        data_dir=str(root),
                        profile_dirs=[str(p) for p in profiles or ()],
                        batch_files=batch_files,
                        batch_bytes=int(batch_mb * 1e6),
                        workers=workers,
                        task_runner=task_runner,
                        dask_address=dask_address,
                        wait_seconds=wait,
                        show_progress=progress,
                        segmenter=segmenter,
                        reprocess=reprocess,
                        entities=entities,
                    )
    except KeyboardInterrupt:
        raise fail(f"interrupted; {_ROLLED_BACK}", 130) from None
    except Exception as exc:
        if interrupted.is_set():  # the Ctrl-C came inside a DuckDB query, which raised its own error
            raise fail(f"interrupted; {_ROLLED_BACK}", 130) from None
        if verbose:
            console.print_exception()
        raise fail(_one_line(exc, verbose)) from None
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # the run is over: a late Ctrl-C changes nothing
    from zhnews.flows.summary import print_summary

    print_summary(summary, Console())
    if summary_json:
        summary_json.write_text(json.dumps(_summary_dict(summary), ensure_ascii=False, indent=1), encoding="utf-8")


def _import_ahead() -> None:
    """Import, in a thread, what an ingest imports only once it has files (the extraction code and
    the stories pass: ~0.25 s) or on its first flow call (FastAPI's JSON encoder, for the parameters),
    while this process mostly waits for Prefect's server to boot. A flow that needs a module before
    it is done waits for it (Python's import lock); a run with nothing to do never does."""
    import fastapi.encoders  # noqa: F401
    import zhnews.flows.batches
    import zhnews.warehouse.stories  # noqa: F401


def _may_hold_files(path: Path) -> bool:
    """False for an empty folder (the run has nothing to extract there), True otherwise."""
    if not path.is_dir():
        return True
    with os.scandir(path) as entries:
        return next(entries, None) is not None


def _summary_dict(summary: RunSummary) -> dict:
    """The run summary as JSON-ready data: counts, input size, wall time and time by stage."""
    return {
        "load_id": summary.load_id,
        "data_dir": summary.data_dir,
        **summary.counts(),
        "documents_seen": summary.documents_seen,
        "input_bytes": summary.input_bytes,
        "wall_seconds": summary.wall_seconds,
        "stage_seconds": dict(summary.stage_seconds),
        "quarantined": [{"path": path, "reason": reason} for path, reason in summary.quarantined],
        "reprocessed": summary.reprocessed,
        "interrupted_loads": summary.interrupted,
        "repaired": summary.repaired,
    }


@app.command()
def examples(
    data_dir: DataDir = Path("data"), limit: Annotated[int, typer.Option(help="Rows per query.")] = 10
) -> None:
    """Run the README's example SQL queries on the warehouse and print their results."""
    import duckdb
    from rich.table import Table
    from zhnews.flows.examples import example_queries

    db = data_dir / DB_NAME
    if not db.exists():
        raise fail(f"no warehouse at {db}; run `zhnews ingest PATH --data-dir {data_dir}` first")
    out = Console()
    with duckdb.connect(str(db), read_only=True) as con:
        con.execute(f"SET TimeZone = '{TIMEZONE}'")
        for name, sql in example_queries():
            cursor = con.execute(sql)
            table = Table(title=name, title_justify="left")
            for column in cursor.description:
                table.add_column(column[0], overflow="fold", max_width=48)
            for row in cursor.fetchmany(limit):
                table.add_row(*("" if v is None else str(v) for v in row))
            out.print(table)


@app.command()
def report(
    data_dir: DataDir = Path("data"),
    out: Annotated[Path, typer.Option("--out", "-o", help="HTML file to write.")] = Path("report.html"),
) -> None:
    """Write one self-contained HTML report of the warehouse: charts and tables that open offline.

    Documents per day by outlet, top terms per week, boilerplate removed per rule and per site,
    layouts and encodings, quarantined files, near-duplicate stories.
    """
    import duckdb
    from zhnews.reports.build import NoWarehouse, build_report

    try:
        written = build_report(data_dir, out)
    except NoWarehouse as exc:
        raise fail(str(exc)) from None
    except duckdb.IOException as exc:
        raise fail(f"cannot read {data_dir / DB_NAME} (is an ingest writing it?): {exc}") from None
    console.print(f"report written: [bold]{written}[/] ({written.stat().st_size / 1e6:.1f} MB, opens offline)")


@app.command()
def serve(
    inbox: Annotated[Path, typer.Option("--inbox", help="Folder to ingest on each run (created if missing).")],
    cron: Annotated[str, typer.Option(help="When to run: a cron expression.")] = "*/30 * * * *",
    data_dir: DataDir = Path("data"),
    timezone: Annotated[str, typer.Option(help="Time zone of the cron expression (IANA name).")] = TIMEZONE,
    name: Annotated[
        str | None, typer.Option(help="Deployment name shown in the Prefect UI [default: inbox-served].")
    ] = None,
) -> None:
    """Serve the ingest flow on a schedule from this process (no work pool needed); Ctrl-C stops it.

    Each run ingests the inbox folder into the warehouse and publishes its summary as Prefect
    artifacts. Point PREFECT_API_URL at a `prefect server start` to watch the runs in the UI.
    """
    _quiet_prefect(verbose=True)
    from zhnews.flows.schedule import DEPLOYMENT_NAME, inbox_deployment, prefect_api_url, serve_inbox

    if inbox.exists() and not inbox.is_dir():
        raise fail(f"--inbox must be a folder: {inbox}")
    try:
        deployment = inbox_deployment(inbox, data_dir, cron, timezone, name or DEPLOYMENT_NAME)
    except ValueError as exc:
        raise fail(f"invalid schedule: {exc}") from None
    if not prefect_api_url():
        raise fail(
            "serving on a schedule needs a Prefect server (its scheduler creates the runs): start one with "
            "`prefect server start` and `export PREFECT_API_URL=http://127.0.0.1:4200/api`, then run this again"
        )
    if not inbox.exists():
        inbox.mkdir(parents=True)
        console.print(f"created the inbox folder {inbox.resolve()}")
    console.print(
        f"serving [bold]zhnews-ingest/{deployment.name}[/]: {inbox.resolve()} → {data_dir.resolve()} on '{cron}' ({timezone})"
    )
    serve_inbox(deployment)


@app.command()
def search(
    query: Annotated[
        str | None,
        typer.Argument(help='Words to look for, e.g. "日美同盟 特朗普" (segmented like the documents).'),
    ] = None,
    entity: Annotated[
        str | None,
        typer.Option("--entity", help="Instead: documents naming this person, place or organisation, newest first."),
    ] = None,
    data_dir: DataDir = Path("data"),
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="How many results.")] = 10,
    source: Annotated[
        str | None, typer.Option("--source", help="Only this outlet (Chinese name or as written).")
    ] = None,
    since: Annotated[
        datetime | None, typer.Option("--since", formats=["%Y-%m-%d"], help="Only published on or after (YYYY-MM-DD).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON list instead of a table.")] = False,
    synonyms: Annotated[
        bool, typer.Option(help="Also match synonyms from synonyms*.tsv (日美同盟 finds 美日同盟 too).")
    ] = True,
    profiles: ProfilesOpt = None,
    segmenter: SegmenterOpt = "rjieba",
) -> None:
    """Rank documents by BM25 over their jieba terms; prints title, outlet, date and a snippet.

    With --entity NAME: the documents naming that person, place or organisation (its Traditional
    and Simplified spellings alike), newest first, with its mentions."""
    import json

    import duckdb
    from zhnews.flows.config import load_segmenter, load_synonyms
    from zhnews.flows.search import query_terms, with_synonyms
    from zhnews.flows.search import search as run_search

    _check_segmenter(segmenter)
    db = data_dir / DB_NAME
    if not db.exists():
        raise fail(f"no warehouse at {db}; run `zhnews ingest PATH --data-dir {data_dir}` first")
    if (query is None) == (entity is None):
        raise fail("give either words to search for or --entity NAME")
    if entity is not None:
        _search_entity(db, data_dir, entity, limit, source, since, as_json)
        return
    try:
        words = load_segmenter([str(p) for p in profiles or ()], segmenter)
        concepts = load_synonyms([str(p) for p in profiles or ()]) if synonyms else {}
    except (FileNotFoundError, ValueError) as exc:
        raise fail(str(exc)) from None
    terms = query_terms(words, query)
    if not terms:
        raise fail(f"the query {query!r} has no searchable words (only stopwords or punctuation)")
    with duckdb.connect(str(db), read_only=True) as con:
        con.execute(f"SET TimeZone = '{TIMEZONE}'")
        if (
            not con.execute("SELECT count(*) FROM doc_signatures").fetchone()[0]
            and con.execute("SELECT count(*) FROM documents").fetchone()[0]
        ):
            raise fail(f"the documents have no search terms yet; run `zhnews reindex --data-dir {data_dir}`")
        hits = run_search(
            con, with_synonyms(terms, concepts), limit=limit, source=source, since=since.date() if since else None
        )
    if as_json:
        print(json.dumps([h.to_json() for h in hits], ensure_ascii=False, indent=2))
        return
    from zhnews.flows.search_view import print_hits

    print_hits(Console(), query, [w for c in with_synonyms(terms, concepts) for w in c.split("|")], hits)


def _search_entity(
    db: Path, data_dir: Path, name: str, limit: int, source: str | None, since: datetime | None, as_json: bool
) -> None:
    """`zhnews search --entity NAME`."""
    import duckdb
    from zhnews.flows.entities import entity_search
    from zhnews.flows.search_view import print_hits

    with duckdb.connect(str(db), read_only=True) as con:
        con.execute(f"SET TimeZone = '{TIMEZONE}'")
        tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        if "doc_entities" not in tables:
            raise fail(f"this warehouse has no entities yet; run `zhnews reindex --data-dir {data_dir}`")
        hits = entity_search(con, name, limit=limit, source=source, since=since.date() if since else None)
    if as_json:
        print(json.dumps([h.to_json() for h in hits], ensure_ascii=False, indent=2))
        return
    print_hits(Console(), name, [w for h in hits for w in h.matched_terms] or [name], hits, by="mentions, newest first")


@app.command()
def reindex(
    data_dir: DataDir = Path("data"),
    profiles: ProfilesOpt = None,
    segmenter: SegmenterOpt = "rjieba",
    entities: EntitiesOpt = DEFAULT_TAGGER,
    wait: Annotated[float, typer.Option(help="Seconds to wait for another run holding the data dir.")] = 0.0,
) -> None:
    """Re-segment every document with the current dictionaries, then rebuild the stories and find
    every document's people, places and organisations again (`--entities off`: leave them).

    Ingest segments each document once; unchanged files are skipped, so after you edit a user
    dictionary or stopword list (or to index a warehouse built before text analytics), run this.
    """
    from rich.progress import Progress
    from zhnews.flows.config import load_segmenter
    from zhnews.flows.lock import DataDirBusy, data_dir_lock
    from zhnews.warehouse.reindex import reindex_all
    from zhnews.warehouse.store import Warehouse

    _check_segmenter(segmenter)
    _check_entities(entities)
    root = data_dir.expanduser().resolve()
    if not (root / DB_NAME).exists():
        raise fail(f"no warehouse at {root / DB_NAME}; run `zhnews ingest PATH --data-dir {data_dir}` first")
    try:
        words = load_segmenter([str(p) for p in profiles or ()], segmenter)
    except (FileNotFoundError, ValueError) as exc:
        raise fail(str(exc)) from None

    try:
        with data_dir_lock(root, wait, on_wait=console.print), Warehouse(root) as warehouse:
            total = warehouse.con.execute("SELECT count(*) FROM documents").fetchone()[0]
            with Progress(console=console, transient=True) as progress:
                bar = progress.add_task("segmenting", total=total)
                done = reindex_all(warehouse.con, words, on_chunk=lambda n: progress.advance(bar, n))
            stories = warehouse.update_stories()
            found = ""
            if entities != "off":
                from zhnews.flows.entities import recompute_entities

                with Progress(console=console, transient=True) as progress:
                    bar = progress.add_task("entities", total=total)
                    recompute_entities(
                        warehouse, tuple(str(p) for p in profiles or ()), entities, lambda n: progress.advance(bar, n)
                    )
                count = warehouse.con.execute("SELECT count(*) FROM doc_entities").fetchone()[0]
                found = f"; {count} entity rows ({entities})"
    except DataDirBusy as exc:
        raise fail(str(exc)) from None
    Console().print(f"re-segmented {done} documents with {segmenter}; {stories} near-duplicate stories{found}")


@app.command("train-header")
def train_header(
    sets: Annotated[
        list[Path] | None,
        typer.Argument(help="Annotated sets: folders with a gold.json and its dumps (default: the repository's sets)."),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(help="Where to write the model (default: the built-in profiles folder's header_model.json)."),
    ] = None,
    profiles: ProfilesOpt = None,
) -> None:
    """Train the header reader (title, date and outlet of article pages) on annotated pages, and write its model.

    To teach it your sites: annotate a few pages in the gold format (README, *Teaching the header reader*),
    run `zhnews train-header tests/fixtures/... your/set --out your-profiles/header_model.json`, and ingest
    with `--profiles your-profiles`: the model in the last profiles folder wins.
    """
    from zhnews.flows.header_training import DEFAULT_SETS, model_path, train_model
    from zhnews.transforms.profiles import ProfileError

    folders = list(sets or DEFAULT_SETS)
    missing = [str(f) for f in folders if not (f / "gold.json").is_file()]
    if missing:
        raise fail(f"not an annotated set (no gold.json): {', '.join(missing)}")
    try:
        model, pages = train_model(folders, [str(p) for p in profiles or ()])
    except (ProfileError, OSError, ValueError, KeyError) as exc:
        raise fail(f"cannot train the header reader: {exc}") from None
    target = out or model_path(None)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(model.to_json(), encoding="utf-8")
    Console().print(f"trained on {len(pages)} pages of {len(folders)} sets; wrote {target}")


@app.command()
def explain(
    file: Annotated[Path, typer.Argument(help="One dump file.")],
    data_dir: DataDir = Path("data"),
    profiles: ProfilesOpt = None,
    width: Annotated[int, typer.Option(help="Characters of each line to show.")] = 60,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table (for scripts).")] = False,
    entities: EntitiesOpt = DEFAULT_TAGGER,
) -> None:
    """Show what zhnews does with each line of a dump: kept, moved into a field, or removed (and by which rule),
    and each document's people, places and organisations.

    The dump goes through the same pipeline as in `zhnews ingest`, with what ingest would give it:
    its modification time as its saving time (for year-less and relative dates) and, when the data
    dir holds a warehouse, that warehouse's corpus line counts (without this file's stored lines)
    plus the dump's own; without a warehouse, the dump's own lines only.
    """
    from rich.markup import escape
    from zhnews.flows.config import load_profiles
    from zhnews.flows.extract import Unreadable, read_input
    from zhnews.flows.inputs import discover, saved_at
    from zhnews.transforms.dump_pipeline import Dump, DumpPipeline, Rejected
    from zhnews.transforms.explain import explain_lines

    if not file.is_file():
        raise fail(f"no such file: {file}")
    _check_entities(entities)
    item = next(discover([file]))
    try:
        data = read_input(item.path)
        pipeline = DumpPipeline(load_profiles([str(p) for p in profiles or ()]))
    except (Unreadable, FileNotFoundError, ValueError) as exc:
        raise fail(str(exc)) from None
    pipeline.processor.keep_headers = True
    line_stats, counted = _corpus_counts(data_dir, item.file_id)
    saved = saved_at(item)
    dump = pipeline.run(Dump(data, saved), line_stats)
    if isinstance(dump, Rejected):
        raise fail(f"{file}: {dump.reason}")
    extract, decoded = dump.extract, dump.decoded
    verdicts = explain_lines(decoded.text, extract)
    found = _document_entities(extract.documents, profiles, entities)
    if as_json:
        explained = _explained(file, dump, saved, counted, verdicts)
        for doc, doc_entities in zip(explained["documents"], found, strict=True):
            doc["entities"] = [e._asdict() for e in doc_entities]
        print(json.dumps(explained, ensure_ascii=False, indent=1))
        return
    out = Console(highlight=False, soft_wrap=True)
    out.print(
        f"[bold]{escape(str(file))}[/]: {decoded.encoding}, layout {extract.layout}, "
        f"profiles {', '.join(extract.profiles)}, {len(extract.documents)} document(s)"
    )
    out.print(f"saved at {saved.isoformat() if saved else '-'}; corpus line counts: {escape(counted)}")
    if dump.reason:
        out.print(f"[bold]{'quarantined' if not dump.loaded else 'note'}:[/] {escape(dump.reason)}")
    styles = {"kept": "green", "field": "cyan", "removed": "red", "blank": "dim", "unaccounted": "bold magenta"}
    for v in verdicts:
        shown = v.text.strip()[:width]
        out.print(f"{v.line_no:5d} [{styles[v.status]}]{v.status:<11}[/] {escape(v.rule):<28} {escape(shown)}")
    kinds = {"person": "people", "place": "places", "org": "organisations"}
    for doc, doc_entities in zip(extract.documents, found, strict=True):
        when = doc.published_at.isoformat() if doc.published_at else "-"
        out.print(f"[bold]doc {doc.ordinal}[/]: {escape(doc.title or '-')} | {escape(doc.source or '-')} | {when}")
        for name, ranked in _header_candidates(extract, doc.ordinal).items():
            out.print(f"  [bold]{name}[/] candidates (score, line, what decided):")
            for shown in ranked:
                why = ", ".join(f"{f} {w:+.1f}" for f, w in shown["decided_by"])
                why += ", the rules' choice" if shown["by_rules"] else ""
                out.print(
                    f"    {shown['score']:7.2f} {shown['line_no']:5d} {escape(shown['text'][:width])}  [dim]{escape(why)}[/]"
                )
        for kind, label in kinds.items():
            names = [
                f"{e.entity}{' (title)' if e.in_title else ''} ×{e.mentions}" for e in doc_entities if e.kind == kind
            ]
            if names:
                out.print(f"      {label}: {escape(' · '.join(names))}")


def _document_entities(documents: list, profiles: list[Path] | None, tagger: str) -> list[list]:
    """The entities of each document as ingest finds them (`--entities off`: none)."""
    if tagger == "off":
        return [[] for _ in documents]
    from zhnews.flows.config import load_entity_extractor

    extractor = load_entity_extractor([str(p) for p in profiles or ()], tagger)
    return extractor.extract_many(
        [(d.title_simplified or d.title or "", d.body_simplified or d.body or "") for d in documents],
        [(d.title or "", d.body or "") if d.script == "traditional" else None for d in documents],
    )


def _corpus_counts(data_dir: Path, file_id: str) -> tuple[LineStats | None, str]:
    """The warehouse's corpus line counts without this file's lines, and where they come from."""
    from zhnews.warehouse.store import Warehouse, WarehouseUnavailable

    db = data_dir / DB_NAME
    if not db.exists():
        return None, f"this dump's own (no warehouse at {db})"
    try:
        with Warehouse(data_dir, read_only=True) as warehouse:
            return warehouse.line_stats(excluding=file_id), f"{db} and this dump's own"
    except WarehouseUnavailable as exc:
        raise fail(str(exc)) from None


def _explained(file: Path, dump: ProcessedDump, saved: datetime | None, counted: str, verdicts: list) -> dict:
    """What `explain --json` prints."""
    return {
        "file": str(file),
        "encoding": dump.decoded.encoding,
        "layout": dump.extract.layout,
        "profiles": list(dump.extract.profiles),
        "saved_at": saved.isoformat() if saved else None,
        "corpus_line_counts": counted,
        "outcome": "loaded" if dump.loaded else "quarantined",
        "reason": dump.reason,
        "lines": [{"line_no": v.line_no, "status": v.status, "rule": v.rule, "text": v.text} for v in verdicts],
        "documents": [
            {
                "ordinal": d.ordinal,
                "doc_id": d.doc_id,
                "title": d.title,
                "source": d.source,
                "published_at": d.published_at.isoformat() if d.published_at else None,
                "header_candidates": _header_candidates(dump.extract, d.ordinal),
            }
            for d in dump.documents
        ],
    }


HEADER_CANDIDATES_SHOWN = 5


def _header_candidates(extract, ordinal: int) -> dict[str, list[dict]]:
    """A page's best header candidates per field, as the model ranked them, with the features that decided."""
    reading = extract.headers.get(ordinal)  # a HeaderReading (transforms/header/reader.py)
    if reading is None:
        return {}
    shown = {}
    for name, ranked in reading.ranked.items():
        scorer = reading.model.scorers.get(name) if reading.model else None
        shown[name] = [
            {
                "score": round(scorer.logit(c.features) if scorer else score, 3),
                "line_no": reading.page.numbers[c.at] if c.at < len(reading.page.numbers) else None,
                "text": c.text,
                "by_rules": c.by_rules,
                "decided_by": [(f, round(w, 2)) for f, w in (scorer.contributions(c.features) if scorer else [])],
            }
            for score, c in ranked[:HEADER_CANDIDATES_SHOWN]
        ]
    return shown


def run() -> None:
    """The `zhnews` command: the CLI, then a quick end of the process.

    Once the command and every exit handler have run (Prefect's temporary server stopped, logs
    flushed), tearing down the interpreter would only free Prefect's large import graph object by
    object, ~1.3 s on a 2-core machine; the process ends with the command's exit code without it.
    """
    exit_code = 1  # an exception that escapes the CLI (after Python prints its traceback)
    atexit.register(lambda: _end_process(exit_code))  # registered first: runs after every other handler
    try:
        app()
        exit_code = 0
    except SystemExit as exc:
        exit_code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        raise
    except KeyboardInterrupt:
        exit_code = 130
        raise


def _catch_ctrl_c_once() -> threading.Event:
    """From now on, the first Ctrl-C (SIGINT) raises KeyboardInterrupt and sets the returned event; later
    ones are ignored while the run rolls back and stops (and so is any once the run is over).

    The event tells an interrupt apart when it surfaced as another error: DuckDB turns the
    KeyboardInterrupt raised inside a query into `RuntimeError('Query interrupted')`.
    """
    interrupted = threading.Event()

    def on_ctrl_c(signum: int, frame: object) -> None:
        interrupted.set()
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        raise KeyboardInterrupt

    signal.signal(signal.SIGINT, on_ctrl_c)
    return interrupted


def _end_run_without_api(exit_code: int | None) -> None:
    """Prefect's temporary server died mid-run: say so and end the process now (no Prefect call can succeed)."""
    fail(f"Prefect's temporary API server stopped during the run (exit code {exit_code}); {_ROLLED_BACK}")
    _end_process(2)


def _end_process(code: int) -> None:
    logging.shutdown()  # flush and close log handlers (normally an exit handler of its own)
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    run()
