"""End to end: real Prefect flow runs, real Parquet, real DuckDB, scored with the shared gold scorer."""

import contextlib
import json
import os
import subprocess
import sys

import duckdb
import pytest

from bench.synth import Writer
from tests.conftest import ROOT, SAMPLES, SEED_GOLD, run_cli, score

EVALSET = ROOT / "tests" / "fixtures" / "evalset"
HOLDOUT2 = ROOT / "tests" / "fixtures" / "holdout2"
DATA_TABLES = ("files", "documents", "sightings", "removed_lines")


def table_counts(db):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in DATA_TABLES}
    finally:
        con.close()


def test_seeds_score_at_least_0_99_on_the_gold(ingest, tmp_path):
    summary = ingest([SAMPLES], tmp_path)
    assert (summary.files_loaded, summary.documents_seen, summary.quarantined) == (5, 20, [])
    code, report = score(tmp_path / "zhnews.duckdb", SEED_GOLD, min_f1=0.99)
    assert code == 0, report["problems"]
    metrics, counts = report["metrics"], report["counts"]
    assert metrics["f1"] >= 0.99
    assert (counts["docs_gold"], counts["docs_pred"], counts["docs_paired"]) == (20, 20, 20)
    assert metrics["title_acc"] == metrics["source_acc"] == metrics["date_acc"] == 1.0
    assert metrics["wrap_repair"] == 1.0 and counts["citations"] == 0


def test_rerun_on_the_same_input_leaves_the_same_tables(ingest, tmp_path):
    ingest([SAMPLES], tmp_path)
    first = table_counts(tmp_path / "zhnews.duckdb")
    again = ingest([SAMPLES], tmp_path)
    assert again.files_unchanged == 5 and again.files_loaded == 0
    assert table_counts(tmp_path / "zhnews.duckdb") == first
    con = duckdb.connect(str(tmp_path / "zhnews.duckdb"), read_only=True)
    assert con.execute("SELECT status, files_unchanged FROM loads ORDER BY started_at").fetchall() == [
        ("completed", 0),
        ("completed", 5),
    ]


def test_a_file_touched_without_a_change_is_read_once_and_then_left_unread(ingest, tmp_path, monkeypatch):
    """A loaded file whose modification time changed but not its bytes is read and hashed by the next
    run, which counts it unchanged and records its new time: the runs after leave it unread."""
    import shutil

    import zhnews.flows.extract as extract

    inbox = tmp_path / "inbox"
    shutil.copytree(SAMPLES, inbox)
    files = sorted(inbox.glob("*.txt"))
    ingest([inbox], tmp_path / "data")
    touched = files[0].resolve()
    os.utime(touched, ns=(touched.stat().st_atime_ns, touched.stat().st_mtime_ns + 10**9))
    read, same_content = [], extract.same_content
    monkeypatch.setattr(
        extract, "same_content", lambda item, known: read.append(item.path) or same_content(item, known)
    )
    second = ingest([inbox], tmp_path / "data")
    third = ingest([inbox], tmp_path / "data")
    assert read == [str(touched)]  # by the second run only
    assert (
        (second.files_unchanged, second.files_loaded) == (third.files_unchanged, third.files_loaded) == (len(files), 0)
    )
    with duckdb.connect(str(tmp_path / "data" / "zhnews.duckdb"), read_only=True) as con:
        recorded = con.execute("SELECT mtime_ns FROM files WHERE path = ?", [str(touched)]).fetchone()[0]
    assert recorded == touched.stat().st_mtime_ns


def test_a_listing_found_unchanged_is_compared_with_the_warehouse_again_only_once_something_changed(
    ingest, tmp_path, monkeypatch
):
    """The check of unchanged files remembers the listing it found all unchanged (a digest of its paths,
    sizes and modification times): a run over the same listing, with nothing loaded or touched since,
    skips the comparison with the warehouse's files; a touched file makes the next runs compare again."""
    import shutil

    from zhnews.warehouse.store import Warehouse

    inbox = tmp_path / "inbox"
    shutil.copytree(SAMPLES, inbox)
    ingest([inbox], tmp_path / "data")
    compared, files_to_read = [], Warehouse.files_to_read
    monkeypatch.setattr(
        Warehouse,
        "files_to_read",
        lambda self, listing: compared.append(listing.num_rows) or files_to_read(self, listing),
    )
    runs = [ingest([inbox], tmp_path / "data")]  # compares: every file unchanged
    runs.append(ingest([inbox], tmp_path / "data"))  # the same listing: not compared
    assert compared == [5]
    touched = sorted(inbox.glob("*.txt"))[0]
    os.utime(touched, ns=(touched.stat().st_atime_ns, touched.stat().st_mtime_ns + 10**9))
    runs.append(ingest([inbox], tmp_path / "data"))  # another listing: compared, the touched file read
    runs.append(ingest([inbox], tmp_path / "data"))  # its new time recorded since: compared again
    runs.append(ingest([inbox], tmp_path / "data"))
    assert compared == [5, 5, 5]
    assert [(run.files_unchanged, run.files_loaded) for run in runs] == [(5, 0)] * 5


def test_synthetic_dumps_of_the_seed_layouts_score_like_the_seeds(ingest, tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    gold = {"version": 1, "files": []}
    writer = Writer(seed=42)
    for i in range(12):
        dump = writer.any_dump(i)
        (inbox / dump.name).write_text(dump.text, encoding="utf-8")
        gold["files"].append(dump.gold)
    (tmp_path / "gold.json").write_text(json.dumps(gold, ensure_ascii=False), encoding="utf-8")
    ingest([inbox], tmp_path / "data")
    code, report = score(tmp_path / "data" / "zhnews.duckdb", tmp_path / "gold.json", min_f1=0.99)
    assert code == 0, report["problems"]
    assert report["metrics"]["source_acc"] == report["metrics"]["date_acc"] == 1.0
    assert report["counts"]["docs_pred"] == report["counts"]["docs_gold"]


def test_parquet_files_hold_what_duckdb_holds(ingest, tmp_path):
    ingest([SAMPLES], tmp_path)
    con = duckdb.connect(str(tmp_path / "zhnews.duckdb"), read_only=True)
    parquet = con.execute(f"SELECT count(*) FROM read_parquet('{tmp_path}/parquet/documents/*.parquet')").fetchone()
    assert parquet[0] == con.execute("SELECT count(*) FROM documents").fetchone()[0] == 20


def test_cli_ingest_prints_a_summary_and_builds_the_warehouse(tmp_path):
    proc = run_cli("ingest", str(SAMPLES), "--data-dir", str(tmp_path), "--no-progress")
    assert proc.returncode == 0, proc.stderr
    assert "files seen" in proc.stdout and "quarantined" in proc.stdout
    assert table_counts(tmp_path / "zhnews.duckdb")["documents"] == 20


def test_without_a_prefect_server_the_cli_runs_its_flow_on_a_temporary_one_and_stops_it(tmp_path):
    import os
    import sqlite3

    import psutil

    home = tmp_path / "prefect-home"
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"} | {"PREFECT_HOME": str(home)}
    proc = run_cli("ingest", SAMPLES, "--data-dir", tmp_path / "data", "--no-progress", env=env)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""  # nothing from Prefect, not even its queue services' "Still processing items"
    with sqlite3.connect(home / "prefect.db") as db:  # the temporary server's database: the run is recorded
        runs = db.execute(
            "SELECT r.state_type FROM flow_run r JOIN flow f ON f.id = r.flow_id WHERE f.name = ?", ["zhnews-ingest"]
        )
        assert [state for (state,) in runs] == ["COMPLETED"]
    left = []
    for process in psutil.process_iter():
        with contextlib.suppress(psutil.Error):
            if process.environ().get("PREFECT_HOME") == str(home):
                left.append(process.cmdline())
    assert left == []  # the server (and any worker) ended with the run


QUEUE_SERVICE_WARNING = """
import logging, sys
from zhnews.flows.cli import _quiet_prefect
_quiet_prefect(verbose=sys.argv[1] == "verbose")
from prefect.events.worker import EventsWorker  # Prefect sets up its logging on import
logging.getLogger(EventsWorker.__name__).warning("Still processing items: 2 items remaining...")
"""


@pytest.mark.parametrize("mode", ["quiet", "verbose"])
def test_prefects_queue_services_warn_at_exit_only_in_verbose_runs(mode, tmp_path):
    """Prefect's events worker logs under its class name, which PREFECT_LOGGING_LEVEL does not reach:
    at the end of most runs it warned that it was still sending events."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_LOGGING")}
    proc = subprocess.run(
        [sys.executable, "-c", QUEUE_SERVICE_WARNING, mode],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert ("Still processing items" in proc.stderr) == (mode == "verbose")


def test_the_cli_waits_longer_than_prefects_20_s_for_its_temporary_server_unless_told(monkeypatch):
    from zhnews.flows.cli import SERVER_STARTUP_SECONDS, _quiet_prefect

    monkeypatch.setattr(os, "environ", dict(os.environ))  # what the CLI sets stays in this test
    monkeypatch.delenv("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", raising=False)
    _quiet_prefect(verbose=False)
    assert os.environ["PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"] == str(SERVER_STARTUP_SECONDS)
    assert SERVER_STARTUP_SECONDS > 20
    monkeypatch.setenv("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "7")
    _quiet_prefect(verbose=False)
    assert os.environ["PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS"] == "7"  # the user's setting stands


def test_cli_reports_a_missing_path_in_one_line_without_traceback(tmp_path):
    proc = run_cli("ingest", str(tmp_path / "nope"), "--data-dir", str(tmp_path), timeout=120)
    assert proc.returncode == 2
    assert "no such file or folder" in proc.stderr and "Traceback" not in proc.stderr


def test_readme_shows_every_example_query_and_each_runs(ingest, tmp_path):
    from zhnews.flows.examples import example_queries

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ingest([SAMPLES], tmp_path)
    con = duckdb.connect(str(tmp_path / "zhnews.duckdb"), read_only=True)
    queries = example_queries()
    assert len(queries) >= 5
    for name, sql in queries:
        assert sql in readme, f"README lacks the example query {name!r}"
        assert con.execute(sql).fetchall(), f"example {name!r} returned no rows on the seeds"


PAGE = (
    "快讯网首页\n要闻{n}号：各地推进冬季供暖保障工作\n2025-12-0{n} 10:00\n"
    "记者从有关部门获悉，第{n}批供暖保障措施已经落实到位，居民家中室温普遍达标。\n"
    "快讯网 · 让新闻更快一步\n有关负责人表示，将继续做好巡检和应急抢修工作。\n"
)


def corpus_repeat_lines(db):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(
            "SELECT regexp_extract(f.path, '[^/]+$'), r.text FROM removed_lines r JOIN files f USING (file_id)"
            " WHERE r.rule = 'corpus_repeat' ORDER BY 1"
        ).fetchall()
    finally:
        con.close()


def test_a_line_repeated_in_a_first_runs_dumps_of_one_site_is_removed_from_all(ingest, tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for n in range(1, 7):
        (inbox / f"page{n}.txt").write_text(PAGE.format(n=n), encoding="utf-8")
    ingest([inbox], tmp_path / "data")
    db = tmp_path / "data" / "zhnews.duckdb"
    assert corpus_repeat_lines(db) == [(f"page{n}.txt", "快讯网 · 让新闻更快一步") for n in range(1, 7)]
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("SELECT max(files) FROM line_stats").fetchone()[0] == 6
    bodies = [b for (b,) in con.execute("SELECT body FROM documents").fetchall()]
    assert len(bodies) == 6 and all("更快一步" not in b and "巡检和应急抢修" in b for b in bodies)


def test_line_counts_kept_in_the_warehouse_carry_over_to_later_runs(ingest, tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for n in range(1, 5):
        (inbox / f"page{n}.txt").write_text(PAGE.format(n=n), encoding="utf-8")
    ingest([inbox], tmp_path / "data")
    assert corpus_repeat_lines(tmp_path / "data" / "zhnews.duckdb") == []  # 4 files: below the threshold
    (inbox / "page5.txt").write_text(PAGE.format(n=5), encoding="utf-8")
    ingest([inbox], tmp_path / "data")
    assert corpus_repeat_lines(tmp_path / "data" / "zhnews.duckdb") == [("page5.txt", "快讯网 · 让新闻更快一步")]


def test_unrelated_pages_with_one_title_stay_apart_and_a_page_saved_twice_is_one_document(ingest, tmp_path):
    from tests.transforms.test_identity import FOOTBALL, NAVIGATION, RAIN

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name, text in (("rain.txt", RAIN), ("football.txt", FOOTBALL), ("rain_saved_again.txt", RAIN)):
        (inbox / name).write_text(NAVIGATION + text, encoding="utf-8")
    ingest([inbox], tmp_path / "data")
    with duckdb.connect(str(tmp_path / "data" / "zhnews.duckdb"), read_only=True) as con:
        rows = con.execute(
            "SELECT d.title, string_agg(regexp_extract(f.path, '[^/]+$'), ' ' ORDER BY f.path) FROM documents d"
            " JOIN sightings s USING (doc_id) JOIN files f USING (file_id) GROUP BY d.doc_id, d.title ORDER BY 2"
        ).fetchall()
    assert rows == [("网易首页", "football.txt"), ("网易首页", "rain.txt rain_saved_again.txt")]


def test_traditional_pages_keep_their_script_and_get_a_simplified_body(ingest, tmp_path):
    ingest(sorted(EVALSET.glob("s0[89]*.txt")) + sorted(EVALSET.glob("s1[02]*.txt")), tmp_path)
    con = duckdb.connect(str(tmp_path / "zhnews.duckdb"), read_only=True)
    rows = con.execute(
        "SELECT source, script, title, title_simplified, body, body_simplified FROM documents"
    ).fetchall()
    by_source = {r[0]: r for r in rows}
    _, script, title, title_s, body, body_s = by_source["香港01"]
    assert script == "traditional" and "聖誕" in title and "圣诞" in title_s
    assert "唔止係睇波" in body and "唔止系睇波" in body_s
    assert by_source["外交部"][1:] == (
        "simplified",
        "中国和秘鲁举行第十五轮外交部政治磋商",
        None,
        by_source["外交部"][4],
        None,
    )


def test_two_pages_pasted_into_one_dump_are_two_documents_and_a_gbk_crlf_page_is_decoded(ingest, tmp_path):
    names = ["h04_baijiahao_gbk_crlf.txt", "h09_chinanews_two_articles_crlf.txt"]
    ingest([HOLDOUT2 / name for name in names], tmp_path)
    con = duckdb.connect(str(tmp_path / "zhnews.duckdb"), read_only=True)
    rows = con.execute(
        """SELECT regexp_extract(f.path, '[^/]+$'), f.encoding, s.ordinal, d.title, d.source
           FROM sightings s JOIN documents d USING (doc_id) JOIN files f USING (file_id)
           ORDER BY 1, s.ordinal"""
    ).fetchall()
    assert [(name, ordinal, title, source) for name, _, ordinal, title, source in rows] == [
        (names[0], 1, "新能源车企扎堆建超充站 一座超充站一年能赚多少钱", "车圈老王说"),
        (names[1], 1, "前10月全国快递业务量突破1600亿件", "中国新闻网"),
        (names[1], 2, "北方多地提前供暖 热力企业加强巡检保障", "中国新闻网"),
    ]
    assert rows[0][1] in ("gb18030", "gbk", "gb2312")


def test_a_listed_file_is_left_unread_only_when_its_loaded_record_has_its_size_and_mtime(tmp_path):
    """The listing is compared with `files` in one query: a file is read when it was never loaded,
    was quarantined, or its size or modification time changed (or is unknown); the others are not."""
    from zhnews.flows.inputs import Listing
    from zhnews.warehouse.store import Warehouse

    listing = Listing([f"/inbox/{k}.txt" for k in range(7)], [100 + k for k in range(7)], [1_000 + k for k in range(7)])
    listing.mtimes_ns[6] = 0  # a broken link: nothing to compare
    records = {  # path → (size, mtime_ns, status)
        0: (100, 1_000, "loaded"),  # as listed
        2: (102, 1_002, "loaded"),  # as listed
        3: (999, 1_003, "loaded"),  # another size
        4: (104, 9_999, "loaded"),  # another mtime
        5: (105, 1_005, "quarantined"),
        6: (106, 0, "loaded"),
    }
    with Warehouse(tmp_path) as warehouse:
        for k, (size, mtime_ns, status) in records.items():
            warehouse.con.execute(
                "INSERT INTO files (file_id, path, size_bytes, mtime_ns, content_hash, status) VALUES (?, ?, ?, ?, ?, ?)",
                [f"file{k}", listing.paths[k], size, mtime_ns, f"hash{k}", status],
            )
        to_read = warehouse.files_to_read(listing.table())
    assert to_read == [(1, None), (3, "hash3"), (4, "hash4"), (5, None), (6, "hash6")]
