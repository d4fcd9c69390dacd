"""Time and peak memory of one huge dump, per shape: `python bench/big_files.py [MB]`.

Each shape is generated in a temporary folder and processed in a fresh child process (so the
peak RSS is that file's alone) by the same function the ingest workers run (`extract_files`:
read, then the `DumpPipeline`). Prints one
line per shape; asserts nothing (figures are for people, not tests).
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHAPES = {  # name: repeated unit (None: the bundled samples)
    "many-lines": "日本首相高市早苗1月2日与美国总统特朗普举行电话，中方对此有何评论。\n",
    "one-line-text": "日本首相高市早苗1月2日与美国总统特朗普举行电话，中方对此有何评论 ",
    "one-line-spaces": " \u3000 \t ",
    "one-line-mixed": "这一安 排[1] 2025-01-02 ... 来源：新华社 David Perdue 热门资讯 · ",
    "samples-repeated": None,
}
CHILD = """
import resource, sys, time
from zhnews.flows.extract import extract_files, pipeline
from zhnews.flows.inputs import discover
pipeline()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
item = next(discover([sys.argv[1]]))
t = time.perf_counter()
(r,) = extract_files([item])
seconds = time.perf_counter() - t
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
docs = r.dump.documents if r.dump else []
flags = sorted({f for d in docs for f in d.flags})
print(f"{item.size / 1e6:6.1f} MB  {r.outcome:11s} {len(docs):6d} docs  {seconds:6.1f} s  "
      f"peak RSS {peak / 1024:6.0f} MB (+{(peak - before) / 1024:.0f} MB over an idle worker)  flags {flags}")
"""


def make(path: Path, unit: str | None, megabytes: float) -> None:
    if unit is None:
        unit = "".join(p.read_text(encoding="utf-8") for p in sorted((ROOT / "samples").glob("*.txt")))
    path.write_text("标题\n" + unit * int(megabytes * 1e6 / len(unit.encode())), encoding="utf-8")


def main() -> None:
    megabytes = float(sys.argv[1]) if len(sys.argv) > 1 else 50.0
    with tempfile.TemporaryDirectory() as tmp:
        for name, unit in SHAPES.items():
            path = Path(tmp) / f"{name}.txt"
            make(path, unit, megabytes)
            proc = subprocess.run(
                [sys.executable, "-c", CHILD, str(path)], cwd=ROOT, capture_output=True, text=True, check=False
            )
            print(f"{name:17s} {proc.stdout.strip() or proc.stderr.strip().splitlines()[-1]}", flush=True)
            path.unlink()


if __name__ == "__main__":
    main()
