"""Benchmark: the real `zhnews ingest` on a generated corpus, against plain jieba on the same text.

    python bench/run.py                 # 30 MB corpus: one table of figures
    python bench/run.py --mb 300        # a bigger corpus
    python bench/run.py --rss-ratio     # peak RSS of a 300 MB ingest ÷ a 30 MB one

Every ingest is the CLI in a subprocess (`python -m zhnews.flows.cli ingest ...`) with a fresh data dir;
peak RSS is the largest sum of RSS over the ingest's whole process tree (the CLI, its worker
processes and Prefect's temporary server), sampled every 20 ms with psutil, next to the largest sum
of PSS (shared pages counted once) and each kind of process's largest RSS and USS. Prints figures only:
nothing here passes or fails.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.corpus import Corpus, generate, sample_text  # noqa: E402


@dataclass
class Run:
    """One `zhnews ingest` subprocess: wall time, peak memory of its tree, its JSON summary, and the
    CPU seconds (user + system) of its process tree (the ingest and every process it started and
    waited for: workers, Prefect's server)."""

    wall: float
    memory: TreeMemory
    summary: dict = field(default_factory=dict)
    cpu: float = 0.0

    @property
    def peak_rss(self) -> int:
        return self.memory.peak_rss


@dataclass
class TreeMemory:
    """Peaks of an ingest's process tree, sampled together.

    - `peak_rss`: the largest sum of RSS over the tree (issue 16's figure). A page shared by several
      processes (a shared library, a page a forked worker inherited and never wrote) is counted once
      per process that maps it, so this overstates the memory the tree uses;
    - `peak_pss`: the largest sum of PSS (proportional set size: a page shared by n processes counts
      1/n in each), the memory the tree really holds;
    - per role (driver, worker, prefect server, ...): the largest RSS and the largest USS (unique set
      size: the pages only that process maps, what ending it would give back) of one process of that role.
    """

    peak_rss: int = 0
    peak_pss: int = 0
    rss_by_role: dict[str, int] = field(default_factory=dict)
    uss_by_role: dict[str, int] = field(default_factory=dict)

    def roles(self, which: str = "rss") -> str:
        """Each kind of process's peak (the largest one of that kind), in MiB."""
        by_role = self.rss_by_role if which == "rss" else self.uss_by_role
        return ", ".join(f"{role} {value / 2**20:.0f}" for role, value in sorted(by_role.items())) + " MiB"


class TreeRssSampler(threading.Thread):
    """Samples the memory of a process and all its descendants (`TreeMemory`) until stopped."""

    def __init__(self, pid: int, interval: float = 0.02):
        super().__init__(daemon=True)
        self.root = psutil.Process(pid)
        self.interval = interval
        self.memory = TreeMemory()
        self._roles: dict[int, str] = {}
        self._halt = threading.Event()

    def run(self) -> None:
        memory = self.memory
        while not self._halt.is_set():
            try:
                procs = [self.root, *self.root.children(recursive=True)]
            except psutil.NoSuchProcess:
                break
            rss = pss = 0
            for proc in procs:
                with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
                    info = proc.memory_full_info()  # rss, and uss/pss from /proc/PID/smaps_rollup
                    rss += info.rss
                    pss += info.pss
                    role = self._role(proc)
                    memory.rss_by_role[role] = max(memory.rss_by_role.get(role, 0), info.rss)
                    memory.uss_by_role[role] = max(memory.uss_by_role.get(role, 0), info.uss)
            memory.peak_rss = max(memory.peak_rss, rss)
            memory.peak_pss = max(memory.peak_pss, pss)
            self._halt.wait(self.interval)

    def _role(self, proc: psutil.Process) -> str:
        if proc.pid not in self._roles:
            cmd = " ".join(proc.cmdline())
            if proc.pid == self.root.pid:
                role = "driver"
            elif "uvicorn" in cmd:
                role = "prefect server"
            elif "resource_tracker" in cmd:
                role = "resource tracker"
            elif "forkserver" in cmd and proc.ppid() == self.root.pid:  # its workers have its command line
                role = "fork server"
            elif "multiprocessing" in cmd or "dask" in cmd:
                role = "worker"
            else:
                role = "other"
            if role == "other":  # maybe sampled between fork and exec, still with its parent's command line
                return role
            self._roles[proc.pid] = role
        return self._roles[proc.pid]

    def stop(self) -> None:
        self._halt.set()
        self.join()


def ingest(paths: list[Path], data_dir: Path, extra: list[str], env: dict[str, str]) -> Run:
    """Run `zhnews ingest` as a user would, and measure it."""
    summary_path = data_dir.parent / f"{data_dir.name}-summary-{time.monotonic_ns()}.json"
    cmd = [sys.executable, "-m", "zhnews.flows.cli", "ingest", *map(str, paths), "--data-dir", str(data_dir)]
    cmd += ["--no-progress", "--summary-json", str(summary_path), *extra]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    sampler = TreeRssSampler(proc.pid)
    sampler.start()
    out, err = proc.communicate()
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)  # this ingest's tree: the runs are one at a time
    sampler.stop()
    if proc.returncode != 0:
        raise SystemExit(f"ingest failed ({proc.returncode}):\n{out}\n{err}")
    summary = json.loads(summary_path.read_text(encoding="utf-8"))
    summary_path.unlink()
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Run(wall, sampler.memory, summary, cpu)


def jieba_mb_per_s(text: str) -> tuple[float, float]:
    """Plain single-process `jieba.lcut` (accurate mode, HMM on: its defaults) over `text`, line by line."""
    import jieba

    jieba.setLogLevel(60)
    jieba.initialize()  # dictionary load is not segmentation: keep it out of the timing
    lines = text.split("\n")
    started = time.perf_counter()
    for line in lines:
        jieba.lcut(line)
    seconds = time.perf_counter() - started
    return len(text.encode("utf-8")) / 1e6 / seconds, seconds


def machine() -> str:
    cpu = platform.processor() or "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = psutil.virtual_memory().total / 2**30
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return f"{os.cpu_count()} cores ({cpu}), {ram:.0f} GiB RAM, Python {platform.python_version()}, load avg {load}"


def walls(runs: list[Run]) -> str:
    return ", ".join(f"{r.wall:.2f}" for r in runs) + " s"


def stage_line(summary: dict) -> str:
    stages = summary.get("stage_seconds", {})
    return ", ".join(f"{name} {sec:.2f}s" for name, sec in stages.items())


def bench(args: argparse.Namespace, work: Path, env: dict[str, str]) -> None:
    t0 = time.perf_counter()
    corpus = generate(work / f"corpus-{args.mb:g}mb", args.mb, args.seed)
    gen = time.perf_counter() - t0
    print(f"corpus: {corpus.mb:.1f} MB in {corpus.files} files ({gen:.1f} s to generate or reuse)", file=sys.stderr)
    extra = args.ingest_args
    empty_dir = work / "empty"
    empty_dir.mkdir(exist_ok=True)
    data = work / "data"
    shutil.rmtree(data, ignore_errors=True)
    shutil.rmtree(work / "data-empty", ignore_errors=True)
    empties = [ingest([empty_dir], work / "data-empty", extra, env) for _ in range(args.repeat)]
    first = ingest([corpus.root], data, extra, env)
    reruns = [ingest([corpus.root], data, extra, env) for _ in range(args.repeat)]
    empty, rerun = min(empties, key=lambda r: r.wall), min(reruns, key=lambda r: r.wall)
    jieba_rate, jieba_seconds = jieba_mb_per_s(sample_text(corpus, int(args.jieba_mb * 1e6)))
    fixed = empty.wall  # the start-up every ingest pays: Python, Prefect and its temporary server
    e2e = corpus.mb / first.wall
    marginal = corpus.mb / max(first.wall - fixed, 1e-9)
    flow = corpus.mb / first.summary["wall_seconds"]
    rows = [
        ("machine", machine()),
        ("ingest options", " ".join(extra) or "(defaults)"),
        ("input", f"{corpus.mb:.1f} MB, {corpus.files} files"),
        ("documents", f"{first.summary['documents_seen']} seen, {first.summary['documents_new']} new"),
        ("ingest wall time (CLI, end to end)", f"{first.wall:.2f} s = {e2e:.2f} MB/s"),
        ("  of which fixed start-up (empty-folder ingest)", f"{fixed:.2f} s"),
        ("  wall time minus the fixed start-up", f"{first.wall - fixed:.2f} s = {marginal:.2f} MB/s"),
        ("  flow run (discover → last DuckDB commit)", f"{first.summary['wall_seconds']:.2f} s = {flow:.2f} MB/s"),
        ("time by stage (worker stages summed over workers)", stage_line(first.summary)),
        *memory_rows(first.memory),
        ("jieba.lcut accurate mode, 1 process", f"{jieba_rate:.2f} MB/s ({jieba_seconds:.1f} s on a sample)"),
        ("ratio end-to-end CLI MB/s ÷ jieba MB/s", f"{e2e / jieba_rate:.1f}×"),
        ("ratio (wall − fixed start-up) MB/s ÷ jieba MB/s", f"{marginal / jieba_rate:.1f}×"),
        ("ratio flow-run MB/s ÷ jieba MB/s", f"{flow / jieba_rate:.1f}×"),
        (
            f"unchanged re-run (best of {args.repeat})",
            f"{rerun.wall:.2f} s, flow run {rerun.summary['wall_seconds']:.2f} s"
            f" ({rerun.summary['files_unchanged']} files unchanged); all: {walls(reruns)}",
        ),
        (
            f"empty-folder ingest (best of {args.repeat})",
            f"{empty.wall:.2f} s, flow run {empty.summary['wall_seconds']:.2f} s; all: {walls(empties)}",
        ),
        ("re-run minus empty-folder ingest", f"{rerun.wall - empty.wall:+.2f} s (target ≤ 1 s)"),
    ]
    print_table(f"zhnews bench · {corpus.mb:.0f} MB generated corpus", rows)


def memory_rows(memory: TreeMemory) -> list[tuple[str, str]]:
    """The memory figures of one ingest, each saying what it counts."""
    return [
        (
            "peak RSS, ingest process tree (sum of RSS)",
            f"{memory.peak_rss / 2**20:.0f} MiB (shared pages once per process)",
        ),
        (
            "peak PSS, ingest process tree (sum of PSS)",
            f"{memory.peak_pss / 2**20:.0f} MiB (shared pages counted once)",
        ),
        ("peak RSS of one process, by kind", memory.roles("rss")),
        ("peak USS of one process, by kind", f"{memory.roles('uss')} (pages no other process maps)"),
    ]


def rss_ratio(args: argparse.Namespace, work: Path, env: dict[str, str]) -> None:
    runs: dict[float, tuple[Corpus, Run]] = {}
    for mb in (args.small_mb, args.large_mb):
        corpus = generate(work / f"corpus-{mb:g}mb", mb, args.seed)
        data = work / f"data-{mb:g}"
        shutil.rmtree(data, ignore_errors=True)
        runs[mb] = (corpus, ingest([corpus.root], data, args.ingest_args, env))
        shutil.rmtree(data, ignore_errors=True)
    (small_c, small), (large_c, large) = runs[args.small_mb], runs[args.large_mb]
    rows = [("machine", machine()), ("ingest options", " ".join(args.ingest_args) or "(defaults)")]
    for corpus, run in ((small_c, small), (large_c, large)):
        rows.append(
            (
                f"{corpus.mb:.0f} MB ({corpus.files} files)",
                f"wall {run.wall:.1f} s ({corpus.mb / run.wall:.2f} MB/s), peak RSS tree {run.peak_rss / 2**20:.0f} MiB,"
                f" PSS tree {run.memory.peak_pss / 2**20:.0f} MiB; RSS by kind: {run.memory.roles()};"
                f" USS by kind: {run.memory.roles('uss')}",
            )
        )
    rows.append(("peak RSS ratio (tree)", f"{large.peak_rss / small.peak_rss:.2f}× (target ≤ 1.3×)"))
    rows.append(("peak PSS ratio (tree)", f"{large.memory.peak_pss / small.memory.peak_pss:.2f}×"))
    print_table(f"zhnews bench · peak RSS {args.large_mb:g} MB vs {args.small_mb:g} MB", rows)


def print_table(title: str, rows: list[tuple[str, str]]) -> None:
    width = max(len(k) for k, _ in rows)
    print(title)
    print("-" * len(title))
    for key, value in rows:
        print(f"{key:<{width}}  {value}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mb", type=float, default=30.0, help="corpus size in MB (default 30)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=3, help="runs of the empty and unchanged ingests (best counts)")
    parser.add_argument("--jieba-mb", type=float, default=3.0, help="MB of the corpus' text to time jieba on")
    parser.add_argument("--rss-ratio", action="store_true", help="compare peak RSS of --large-mb and --small-mb")
    parser.add_argument("--small-mb", type=float, default=30.0)
    parser.add_argument("--large-mb", type=float, default=300.0)
    parser.add_argument("--work-dir", type=Path, default=Path(tempfile.gettempdir()) / "zhnews-bench")
    parser.add_argument("ingest_args", nargs="*", help="extra `zhnews ingest` options, after `--`")
    args = parser.parse_args()
    args.work_dir.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env.setdefault("PREFECT_HOME", str(args.work_dir / "prefect-home"))
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    if args.rss_ratio:
        rss_ratio(args, args.work_dir, env)
    else:
        bench(args, args.work_dir, env)


if __name__ == "__main__":
    main()
