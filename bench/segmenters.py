"""Segmentation engines side by side: speed (MB/s) and whether they cut every line the same.

    python bench/segmenters.py [--mb 4]

Builds a deterministic text of about N MB from the seed dumps and generated dumps (bench/synth.py),
then times, in this process: plain `jieba.lcut` (accurate mode, HMM on, no user dictionary: what
"jieba" means elsewhere), zhnews' Segmenter with each engine (accurate mode, HMM off, shipped user
dictionary), and the whole per-document analysis (terms + keywords + MinHash signature).
"""

from __future__ import annotations

import argparse
import logging
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from zhnews.flows.config import load_segmenter  # noqa: E402
from zhnews.transforms.neardup import signature  # noqa: E402
from zhnews.transforms.segment import analyse_text  # noqa: E402

from bench.synth import Writer  # noqa: E402


def corpus_lines(megabytes: float) -> list[str]:
    lines = [line for p in sorted((ROOT / "samples").glob("*.txt")) for line in p.read_text("utf-8").splitlines()]
    writer, i = Writer(seed=2024), 0
    while sum(len(line.encode()) for line in lines) < megabytes * 1e6:
        lines.extend(writer.any_dump(i).text.splitlines())
        i += 1
    return [line for line in lines if line.strip()]


def rate(megabytes: float, fn) -> tuple[float, object]:
    started = time.perf_counter()
    out = fn()
    return megabytes / (time.perf_counter() - started), out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=4.0, help="corpus size in MB (default 4)")
    args = parser.parse_args()
    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    lines = corpus_lines(args.mb)
    mb = sum(len(line.encode()) for line in lines) / 1e6
    fast, reference = load_segmenter((), "rjieba"), load_segmenter((), "jieba")
    plain, _ = rate(mb, lambda: [jieba.lcut(line) for line in lines])
    ref_rate, ref_tokens = rate(mb, lambda: [reference.cut(line) for line in lines])
    fast_rate, fast_tokens = rate(mb, lambda: [fast.cut(line) for line in lines])
    same = sum(a == b for a, b in zip(ref_tokens, fast_tokens, strict=True))
    docs = ["\n".join(lines[i : i + 20]) for i in range(0, len(lines), 20)]
    analyse_rate, _ = rate(mb, lambda: [analyse_text(fast, None, d) for d in docs])
    sign_rate, _ = rate(mb, lambda: [signature(d) for d in docs])
    print(f"corpus: {mb:.1f} MB, {len(lines)} lines (seeds + generated dumps), one process")
    print(f"{'what':<58}{'MB/s':>8}")
    print(f"{'jieba.lcut (accurate, HMM on, no user dictionary)':<58}{plain:>8.2f}")
    print(f"{'Segmenter engine=jieba (accurate, HMM off, user dict)':<58}{ref_rate:>8.2f}")
    print(f"{'Segmenter engine=rjieba (accurate, HMM off, user dict)':<58}{fast_rate:>8.2f}")
    print(f"{'terms + TF-IDF keywords (rjieba), per 20-line document':<58}{analyse_rate:>8.2f}")
    print(f"{'MinHash signature (128 perms, 5-grams)':<58}{sign_rate:>8.2f}")
    print(f"identical token lists rjieba vs jieba: {same}/{len(lines)} lines")
    print(f"rjieba ÷ jieba.lcut: {fast_rate / plain:.1f}×")


if __name__ == "__main__":
    main()
