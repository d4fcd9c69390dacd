"""Benchmark: what a scheduled run costs as the warehouse grows.

    python bench/incremental.py --mb 30 100          # warehouses of 30 and 100 MB of bench corpus
    python bench/incremental.py --mb 100 --pool seeds   # articles drawn from the seed dumps' ~150 sentences
    python bench/incremental.py --mb 100 --check-stories  # also: one run over the same files, compared

For each size, a warehouse is built from the generated corpus (reused while the code and corpus are
the same), then, interleaved `--repeat` times: the next 5 dumps of the same stream (reposts and
snippets of the corpus' recent articles among them) into a copy of that warehouse, and the same 5
files into a fresh data dir; an unchanged re-run of the whole corpus and an empty-folder run. Every
run is the real CLI in a subprocess (`bench/run.py`'s `ingest`); the table gives wall times (best,
then all) and the run's stages. `--check-stories` ingests corpus + 5 files in one run and compares
`doc_stories` with the warehouse built in two runs (EXCEPT ALL both ways). Prints figures only.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
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
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("bench-built.json"))


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


def best(runs: list[Run]) -> Run:
    return min(runs, key=lambda r: r.wall)


def bench_size(args: argparse.Namespace, mb: float, work: Path, env: dict[str, str]) -> list[tuple[str, str]]:
    label = f"{mb:g}mb" + (f"-{args.pool}" if args.pool else "")
    corpus = generate(work / f"corpus-{label}", mb, args.seed, pool=args.pool, then=NEW_FILES)
    new = next_files(corpus.root)
    data = work / f"data-{label}"
    built = built_warehouse(corpus.root, data, args.rebuild, env)
    empty_dir = work / "empty"
    empty_dir.mkdir(exist_ok=True)
    fresh, incremental, unchanged, empty = [], [], [], []
    for _ in range(args.repeat):
        shutil.rmtree(work / "fresh", ignore_errors=True)
        fresh.append(ingest([new], work / "fresh", [], env))
        copy_data_dir(data, work / "incremental")
        incremental.append(ingest([new], work / "incremental", [], env))
        unchanged.append(ingest([corpus.root], data, [], env))
        empty.append(ingest([empty_dir], work / "empty-data", [], env))
    f, i, u, e = best(fresh), best(incremental), best(unchanged), best(empty)
    size = (data / "zhnews.duckdb").stat().st_size / 1e9
    rows = [
        (f"{label}: warehouse", f"{corpus.mb:.1f} MB in {corpus.files} files → {size:.2f} GB DuckDB file"),
        (
            f"{label}: building ingest (code {built['code'][:12]})",
            f"{built['wall']:.1f} s; stories pass {built['summary']['stage_seconds'].get('stories', 0):.2f} s (full)",
        ),
        (f"{label}: {NEW_FILES} new files, fresh data dir", f"{f.wall:.2f} s; all: {walls(fresh)}"),
        ("    its stages", stage_line(f.summary)),
        (f"{label}: same {NEW_FILES} files into the warehouse", f"{i.wall:.2f} s; all: {walls(incremental)}"),
        ("    its stages", stage_line(i.summary)),
        (f"{label}: into the warehouse − fresh", f"{i.wall - f.wall:+.2f} s (target ≤ +1.5 s)"),
        (f"{label}: unchanged re-run", f"{u.wall:.2f} s; all: {walls(unchanged)}"),
        ("    its stages", stage_line(u.summary)),
        (f"{label}: empty-folder run", f"{e.wall:.2f} s; all: {walls(empty)}"),
        (f"{label}: unchanged re-run − empty-folder run", f"{u.wall - e.wall:+.2f} s (target ≤ +1 s)"),
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
    parser.add_argument("--repeat", type=int, default=3, help="runs of each kind (best counts)")
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
