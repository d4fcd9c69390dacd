"""Precision / recall / F1 per layout and per site profile on an annotated set (default: the evaluation set).

    python -m bench.eval_layouts [DUMPS_DIR] [--gold GOLD.json] [--profiles DIR]

Ingests the folder's *.txt dumps into a temporary warehouse with the real flow, then scores each
layout's (and each site profile's) files with the shared scorer (`score_gold.py`) and prints one
row per group. `--profiles DIR` passes extra profiles (e.g. empty ones that switch sites off, to
measure the generic rules alone). When the gold names the time the dumps were saved (`saved_at`, an
ISO 8601 time, for the whole set or per file: listings with relative dates such as `3小时前` and dates
printed without a year need it), the dumps are copied and given that modification time first, since a
file's mtime is the reference the pipeline dates them by (as `../shared/tools/score_set.py` does).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCORER = ROOT.parent / "shared" / "tools" / "score_gold.py"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("dumps", nargs="?", default=str(ROOT / "tests" / "fixtures" / "evalset"))
    ap.add_argument("--gold", default=None, help="gold JSON (default: DUMPS/gold.json)")
    ap.add_argument("--profiles", action="append", default=[], help="extra profiles folder (repeatable)")
    args = ap.parse_args()
    dumps = Path(args.dumps)
    gold = json.loads(Path(args.gold or dumps / "gold.json").read_text(encoding="utf-8"))
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")  # as the CLI: no telemetry (offline here)
    os.environ.setdefault("DO_NOT_TRACK", "1")
    import duckdb
    from zhnews.flows.ingest import ingest_flow
    from zhnews.warehouse import DB_NAME

    with tempfile.TemporaryDirectory() as tmp:
        paths = [str(p) for p in saved_copies(sorted(dumps.glob("*.txt")), gold, Path(tmp))]
        ingest_flow(paths=paths, data_dir=tmp, profile_dirs=args.profiles)
        db = Path(tmp) / DB_NAME
        con = duckdb.connect(str(db), read_only=True)
        rows = con.execute("SELECT regexp_extract(path, '[^/]+$'), layout, profiles FROM files").fetchall()
        con.close()
        layouts = {name: layout for name, layout, _ in rows}
        sites = {name: next((p for p in profiles if p != "common"), "(none)") for name, _, profiles in rows}
        for title, key in (("layout", layouts), ("site profile", sites)):
            groups: dict[str, list[dict]] = defaultdict(list)
            for entry in gold["files"]:
                groups[key.get(entry["file"], "missing")].append(entry)
            _table(title, [*sorted(groups.items()), ("ALL", gold["files"])], db, Path(tmp))
            print()


def saved_copies(paths: list[Path], gold: dict, tmp: Path) -> list[Path]:
    """The dumps as they were saved: copies whose mtime is the gold's `saved_at` for their file, else the
    gold's own `saved_at` (pages of one set may be saved on different days); the paths as they are when
    the gold names no saving time."""
    saved = {entry["file"]: entry["saved_at"] for entry in gold.get("files", []) if entry.get("saved_at")}
    if not saved and not gold.get("saved_at"):
        return paths
    folder = tmp / "dumps"
    folder.mkdir()
    copies = []
    for path in paths:
        copy = Path(shutil.copy2(path, folder / path.name))  # a file the gold gives no time keeps its own
        when = saved.get(path.name) or gold.get("saved_at")
        if when:
            stamp = dt.datetime.fromisoformat(when).timestamp()
            os.utime(copy, (stamp, stamp))
        copies.append(copy)
    return copies


def _table(title: str, groups: list[tuple[str, list[dict]]], db: Path, tmp: Path) -> None:
    """Score each group's gold entries with the shared scorer and print one row per group."""
    print(f"{title:<20} {'files':>5} {'docs':>5} {'P':>6} {'R':>6} {'F1':>6} {'title':>6} {'source':>6} {'date':>6}")
    for name, entries in groups:
        part = tmp / f"gold-{name}.json"
        part.write_text(json.dumps({"version": 1, "files": entries}, ensure_ascii=False), encoding="utf-8")
        proc = subprocess.run(
            [sys.executable, str(SCORER), "--db", str(db), str(part), "--json"],
            capture_output=True,
            text=True,
            check=False,
        )
        report = json.loads(proc.stdout[: proc.stdout.rindex("}") + 1])
        m, c = report["metrics"], report["counts"]
        print(
            f"{name:<20} {len(entries):>5} {c['docs_gold']:>5} {m['precision']:>6.3f} {m['recall']:>6.3f}"
            f" {m['f1']:>6.3f} {m['title_acc']:>6.2f} {m['source_acc']:>6.2f} {m['date_acc']:>6.2f}"
        )


if __name__ == "__main__":
    main()
