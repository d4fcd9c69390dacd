"""Whole-page browser copies of real news sites (../shared/realpages-dev, issue 14), end to end.

Each dump is dated by its own `saved_at` (the pages were saved on different days; dates printed
without a year, `10-0812:00`, and relative ones, `昨天`, are read against it), ingested with the real
flow and scored with the shared scorer. The floors are the figures reached (issue 14's target:
F1 ≥ 0.97, title / outlet / date ≥ 0.95, split 1.00 / 1.00).
"""

import datetime as dt
import json
from collections import defaultdict

import duckdb
import pytest

from bench.eval_layouts import saved_copies
from tests.conftest import SHARED, ingest_annotated

REALPAGES = SHARED / "realpages-dev"
needs_realpages = pytest.mark.skipif(
    not (REALPAGES / "gold.json").exists(), reason="../shared/realpages-dev is not beside the project"
)


@needs_realpages
def test_realpages_dev_dated_by_saved_at_scores_at_least_the_figures_reached(ingest, tmp_path):
    folder = tmp_path / "realpages"
    folder.mkdir()
    gold = json.loads((REALPAGES / "gold.json").read_text(encoding="utf-8"))
    for entry in gold["files"]:  # only the annotated dumps, as ../shared/tools/score_set.py ingests them
        (folder / entry["file"]).write_bytes((REALPAGES / "dumps" / entry["file"]).read_bytes())
    (folder / "gold.json").write_text(json.dumps(gold, ensure_ascii=False), encoding="utf-8")
    db, report = ingest_annotated(ingest, folder, tmp_path, min_f1=0.98)
    metrics = report["metrics"]
    assert metrics["split_precision"] == 1.0 and metrics["split_recall"] == 1.0, report["problems"]
    assert metrics["title_acc"] == 1.0, report["problems"]
    assert metrics["source_acc"] >= 0.96, report["problems"]  # r37's outlet (Readhub) is not in the dump
    assert metrics["date_acc"] == 1.0, report["problems"]
    # no two distinct articles share a doc_id: a document sighted in several files is one gold article
    titles = {entry["file"]: {d["title"] for d in entry["documents"]} for entry in gold["files"]}
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute(
            "SELECT s.doc_id, regexp_extract(f.path, '[^/]+$') FROM sightings s JOIN files f USING (file_id)"
        ).fetchall()
    files_of = defaultdict(set)
    for doc_id, name in rows:
        files_of[doc_id].add(name)
    shared = [sorted(names) for names in files_of.values() if len(names) > 1]
    assert all(len(set.intersection(*(titles[n] for n in names))) == 1 for names in shared), shared


def test_dumps_are_dated_by_their_own_saved_at_else_the_sets(tmp_path):
    paths = []
    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_text("正文。", encoding="utf-8")
        paths.append(tmp_path / name)
    gold = {
        "saved_at": "2020-01-15T12:00:00+08:00",
        "files": [{"file": "a.txt", "saved_at": "2019-10-09T12:00:00+08:00"}],
    }
    (tmp_path / "out").mkdir()
    copies = saved_copies(paths, gold, tmp_path / "out")
    stamps = [dt.datetime.fromtimestamp(p.stat().st_mtime, dt.UTC).isoformat() for p in copies]
    assert stamps == ["2019-10-09T04:00:00+00:00", "2020-01-15T04:00:00+00:00"]
