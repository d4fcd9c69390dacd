"""Benchmark: per-core extraction, the work one worker does on a batch, in one process without Prefect.

    python bench/extract_speed.py                        # first 3,000 files of the 30 MB bench corpus
    python bench/extract_speed.py --files 800 CORPUS     # another corpus or size
    python bench/extract_speed.py --profile out.html     # the same run under pyinstrument
    python bench/extract_speed.py --without-pandas       # as users install it (`pip install .`: no pandas)

Runs `flows.batches.run_batch` (read + decode, survey, split/clean/normalize, segment, terms,
keywords, MinHash signatures, table rows, Parquet) over the first N files (sorted by path) in
batches as ingest makes them, after building the pipeline (profiles, segmenter, IDF table: not
timed). Prints MB/s of CPU time (`time.process_time`) and of wall time, the machine load, and the
process's peak RSS (`resource.getrusage`) before and after the batches. Prints figures only.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DEFAULT_CORPUS = "/tmp/h13-bench/corpus-30mb"


class _NoPandas:
    """An import hook that makes `import pandas` fail, as in an install without it (pyarrow then
    skips its pandas checks instead of importing pandas on the first `pa.array` of a list)."""

    def find_spec(self, name: str, path: object = None, target: object = None) -> None:
        if name == "pandas" or name.startswith("pandas."):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", default=DEFAULT_CORPUS)
    parser.add_argument("--files", type=int, default=3000, help="the first N files, sorted by path (3000)")
    parser.add_argument("--segmenter", default="rjieba")
    parser.add_argument("--profile", metavar="HTML", help="run under pyinstrument and write its report here")
    parser.add_argument("--without-pandas", action="store_true", help="make `import pandas` fail, as users have it")
    args = parser.parse_args(argv)
    if args.without_pandas:
        sys.meta_path.insert(0, _NoPandas())

    from zhnews.flows.batches import batched, run_batch
    from zhnews.flows.extract import pipeline
    from zhnews.flows.inputs import discover

    items = sorted(discover([args.corpus]), key=lambda i: i.path)[: args.files]
    megabytes = sum(i.size for i in items) / 1e6
    pipeline((), args.segmenter)
    ready = _peak_mib()
    profiler = None
    if args.profile:
        from pyinstrument import Profiler

        profiler = Profiler(interval=0.0005)
        profiler.start()
    with tempfile.TemporaryDirectory() as data_dir:
        cpu, wall = time.process_time(), time.perf_counter()
        for batch in batched(items):
            run_batch(batch, (), data_dir, "bench", segmenter=args.segmenter)
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    if profiler is not None:
        profiler.stop()
        Path(args.profile).write_text(profiler.output_html())
        print(profiler.output_text(unicode=True, show_all=False))
    load = os.getloadavg()
    print(
        f"{len(items)} files, {megabytes:.2f} MB{'' if 'pandas' not in sys.modules else ' (pandas imported)'}: cpu {cpu:.2f} s = {megabytes / cpu:.2f} MB/s, "
        f"wall {wall:.2f} s = {megabytes / wall:.2f} MB/s; "
        f"peak RSS {ready:.0f} MiB after set-up, {_peak_mib():.0f} MiB after the batches; "
        f"load {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
    )


if __name__ == "__main__":
    main()
