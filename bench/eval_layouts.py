"""Precision / recall / F1 per layout on an annotated set (default: the evaluation set).

    python -m bench.eval_layouts [DUMPS_DIR] [--gold GOLD.json]

Ingests the folder's *.txt dumps into a temporary warehouse with the real flow, then scores each
layout's files with the shared scorer (`score_gold.py`) and prints one row per layout.
"""

from __future__ import annotations

import argparse
import json
import os
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
    args = ap.parse_args()
    dumps = Path(args.dumps)
    gold = json.loads(Path(args.gold or dumps / "gold.json").read_text(encoding="utf-8"))
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    import duckdb

    from flows.ingest import ingest_flow

    with tempfile.TemporaryDirectory() as tmp:
        ingest_flow(paths=[str(p) for p in sorted(dumps.glob("*.txt"))], data_dir=tmp)
        db = Path(tmp) / "zhnews.duckdb"
        con = duckdb.connect(str(db), read_only=True)
        layouts = dict(con.execute("SELECT regexp_extract(path, '[^/]+$'), layout FROM files").fetchall())
        con.close()
        groups: dict[str, list[dict]] = defaultdict(list)
        for entry in gold["files"]:
            groups[layouts.get(entry["file"], "missing")].append(entry)
        print(
            f"{'layout':<20} {'files':>5} {'docs':>5} {'P':>6} {'R':>6} {'F1':>6} {'title':>6} {'source':>6} {'date':>6}"
        )
        for layout, entries in sorted([*groups.items(), ("ALL", gold["files"])]):
            part = Path(tmp) / f"gold-{layout}.json"
            part.write_text(json.dumps({"version": 1, "files": entries}, ensure_ascii=False), encoding="utf-8")
            proc = subprocess.run(
                [sys.executable, str(SCORER), "--db", str(db), str(part), "--json"], capture_output=True, text=True
            )
            report = json.loads(proc.stdout[: proc.stdout.rindex("}") + 1])
            m, c = report["metrics"], report["counts"]
            print(
                f"{layout:<20} {len(entries):>5} {c['docs_gold']:>5} {m['precision']:>6.3f} {m['recall']:>6.3f}"
                f" {m['f1']:>6.3f} {m['title_acc']:>6.2f} {m['source_acc']:>6.2f} {m['date_acc']:>6.2f}"
            )


if __name__ == "__main__":
    main()
