"""Benchmark: what a scheduled run costs as the warehouse grows.

    python bench/incremental.py --mb 30 100          # warehouses of 30 and 100 MB of bench corpus
    python bench/incremental.py --mb 100 --pool seeds   # articles drawn from the seed dumps' ~150 sentences
    python bench/incremental.py --mb 100 --check-stories  # also: one run over the same files, compared

For each size, a warehouse is built from the generated corpus (reused while the code and corpus are
the same), then, interleaved `--repeat` times: the next 5 dumps of the same stream (reposts and
snippets of the corpus' recent articles among them) into a copy of that warehouse, and the same 5
files into a fresh data dir, each followed by the next scheduled run (an empty folder: it pays the
catch-up of the file the 5-file run published over, so the pair is what bringing 5 files costs);
an unchanged re-run of the whole corpus and an empty-folder run. The copy is made (Parquet and
stories index files hard-linked: nothing writes them again) and synced to disk before the timed run,
so its writeback does not land in the run. Every run is the real CLI in a subprocess
(`bench/run.py`'s `ingest`); the table gives wall and CPU seconds (user + system of the run's process
tree) of every repeat, the differences pair by pair (min / median / max), and the stages of the
median run. `--check-stories` ingests corpus + 5 files in one run and compares `doc_stories` with
the warehouse built in two runs (EXCEPT ALL both ways). Prints figures only.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.corpus import generate, next_files  # noqa: E402
from bench.run import Run, ingest, machine, print_table, stage_line, walls  # noqa: E402

NEW_FILES = 5


def code_version() -> str:
    """The checked-out commit and whether the tree has changes: a warehouse is rebuilt when it differs."""
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True).stdout
    return head + ("+dirty" if dirty.strip() else "")


def built_warehouse(corpus_root: Path, data: Path, rebuild: bool, env: dict[str, str]) -> dict:
    """The warehouse of the whole corpus in `data`, built unless one of this corpus is there (and not
    `rebuild`: after a change of the warehouse's format); returns the building run's record."""
    marker = data / "bench-built.json"
    corpus = json.loads((corpus_root / "corpus.json").read_text())
    if not rebuild and marker.exists():
        stored = json.loads(marker.read_text())
        if stored.get("corpus") == corpus:
            return stored
    shutil.rmtree(data, ignore_errors=True)
    run = ingest([corpus_root], data, [], env)
    built = {"corpus": corpus, "code": code_version(), "summary": run.summary, "wall": run.wall}
    marker.write_text(json.dumps(built))
    return built


def copy_data_dir(source: Path, target: Path) -> None:
    """A copy of a data dir for a run to write into: its DuckDB files copied, its Parquet and stories
    index files hard-linked (written once, never changed), all synced to disk."""
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(
        source, target, ignore=shutil.ignore_patterns("bench-built.json", "*.lock"), copy_function=_link_or_copy
    )
    os.sync()


def _link_or_copy(source: str, target: str) -> None:
    if source.endswith((".parquet", ".npy")):
        os.link(source, target)
    else:
        shutil.copy2(source, target)


def differing_stories(a: Path, b: Path) -> tuple[int, int, int]:
    """doc_stories rows of `a` not in `b`, of `b` not in `a`, and of `a`."""
    import duckdb

    con = duckdb.connect()
    con.execute(f"ATTACH '{a / 'zhnews.duckdb'}' AS a (READ_ONLY)")
    con.execute(f"ATTACH '{b / 'zhnews.duckdb'}' AS b (READ_ONLY)")
    rows = "SELECT doc_id, story_id, similarity, relation FROM {}.doc_stories"
    only_a = con.execute(f"SELECT count(*) FROM ({rows.format('a')} EXCEPT ALL {rows.format('b')})").fetchone()[0]
    only_b = con.execute(f"SELECT count(*) FROM ({rows.format('b')} EXCEPT ALL {rows.format('a')})").fetchone()[0]
    total = con.execute(f"SELECT count(*) FROM ({rows.format('a')})").fetchone()[0]
    con.close()
    return only_a, only_b, total


def median_run(runs: list[Run]) -> Run:
    return sorted(runs, key=lambda r: r.cpu)[len(runs) // 2]


def spread(values: list[float]) -> str:
    """min / median / max of `values`, signed."""
    ordered = sorted(values)
    return f"{ordered[0]:+.2f} / {statistics.median(ordered):+.2f} / {ordered[-1]:+.2f} s"


def figures(runs: list[Run]) -> str:
    return f"wall {walls(runs)}; CPU " + ", ".join(f"{r.cpu:.2f}" for r in runs) + " s"


def bench_size(args: argparse.Namespace, mb: float, work: Path, env: dict[str, str]) -> list[tuple[str, str]]:
    label = f"{mb:g}mb" + (f"-{args.pool}" if args.pool else "")
    corpus = generate(work / f"corpus-{label}", mb, args.seed, pool=args.pool, then=NEW_FILES)
    new = next_files(corpus.root)
    data = work / f"data-{label}"
    built = built_warehouse(corpus.root, data, args.rebuild, env)
    empty_dir = work / "empty"
    empty_dir.mkdir(exist_ok=True)
    fresh, fresh_next, incremental, incremental_next, unchanged, empty = [], [], [], [], [], []
    for _ in range(args.repeat):
        shutil.rmtree(work / "fresh", ignore_errors=True)
        fresh.append(ingest([new], work / "fresh", [], env))
        fresh_next.append(ingest([empty_dir], work / "fresh", [], env))
        copy_data_dir(data, work / "incremental")
        incremental.append(ingest([new], work / "incremental", [], env))
        incremental_next.append(ingest([empty_dir], work / "incremental", [], env))
        unchanged.append(ingest([corpus.root], data, [], env))
        empty.append(ingest([empty_dir], work / "empty-data", [], env))
    size = (data / "zhnews.duckdb").stat().st_size / 1e9
    pairs = list(zip(incremental, incremental_next, fresh, fresh_next, strict=True))
    rows = [
        (f"{label}: warehouse", f"{corpus.mb:.1f} MB in {corpus.files} files → {size:.2f} GB DuckDB file"),
        (
            f"{label}: building ingest (code {built['code'][:12]})",
            f"{built['wall']:.1f} s; stories pass {built['summary']['stage_seconds'].get('stories', 0):.2f} s (full)",
        ),
        (f"{label}: {NEW_FILES} new files, fresh data dir", figures(fresh)),
        ("    stages (median CPU run)", stage_line(median_run(fresh).summary)),
        ("    then the next run (empty folder)", figures(fresh_next)),
        (f"{label}: same {NEW_FILES} files into the warehouse", figures(incremental)),
        ("    stages (median CPU run)", stage_line(median_run(incremental).summary)),
        ("    then the next run (catches the spare up)", figures(incremental_next)),
        (
            f"{label}: into the warehouse − fresh, CPU",
            spread([i.cpu - f.cpu for i, _, f, _ in pairs]) + " (min / median / max of the pairs)",
        ),
        (f"{label}: into the warehouse − fresh, wall", spread([i.wall - f.wall for i, _, f, _ in pairs])),
        (
            f"{label}: with the next run, CPU",
            spread([i.cpu + j.cpu - f.cpu - g.cpu for i, j, f, g in pairs]) + " (target ≤ +1.5 s)",
        ),
        (f"{label}: with the next run, wall", spread([i.wall + j.wall - f.wall - g.wall for i, j, f, g in pairs])),
        (f"{label}: unchanged re-run", figures(unchanged)),
        ("    stages (median CPU run)", stage_line(median_run(unchanged).summary)),
        (f"{label}: empty-folder run", figures(empty)),
        (
            f"{label}: unchanged re-run − empty-folder run, CPU",
            spread([u.cpu - e.cpu for u, e in zip(unchanged, empty, strict=True)]) + " (target ≤ +1 s)",
        ),
        (
            f"{label}: unchanged re-run − empty-folder run, wall",
            spread([u.wall - e.wall for u, e in zip(unchanged, empty, strict=True)]),
        ),
    ]
    if args.check_stories:
        one_run = work / "one-run"
        shutil.rmtree(one_run, ignore_errors=True)
        ingest([corpus.root, new], one_run, [], env)
        only_incremental, only_one_run, total = differing_stories(work / "incremental", one_run)
        rows.append(
            (
                f"{label}: doc_stories, two runs vs one run",
                f"{total} rows; {only_incremental} only in the two-run warehouse, {only_one_run} only in the one-run one",
            )
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mb", type=float, nargs="+", default=[30.0], help="warehouse sizes in MB of input")
    parser.add_argument("--pool", choices=["seeds"], help="articles drawn from the seed dumps' sentences")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each kind, interleaved")
    parser.add_argument("--rebuild", action="store_true", help="build the warehouses again even if reusable")
    parser.add_argument("--check-stories", action="store_true", help="compare doc_stories with one run")
    parser.add_argument("--work-dir", type=Path, default=Path(tempfile.gettempdir()) / "zhnews-bench")
    args = parser.parse_args()
    args.work_dir.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env.setdefault("PREFECT_HOME", str(args.work_dir / "prefect-home"))
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    for mb in args.mb:  # a table per size, printed as soon as it is measured
        rows = [("machine", machine()), *bench_size(args, mb, args.work_dir, env)]
        print_table(f"zhnews bench · a scheduled run's cost as the warehouse grows · {mb:g} MB", rows)
        print(flush=True)


if __name__ == "__main__":
    main()
