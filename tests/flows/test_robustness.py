"""Ingest never loses a file: bad input is quarantined with a reason, re-runs are idempotent,
a killed run leaves nothing half-done, concurrent runs wait or refuse, errors are one line.

In-process flow runs use the session's Prefect harness; behaviour that is about processes
(SIGKILL, two runs at once, exit codes) runs the real CLI in subprocesses, connected to the
harness's Prefect server so each one skips starting its own.
"""

from __future__ import annotations

import codecs
import contextlib
import hashlib
import io
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import duckdb
import pytest
from zhnews.warehouse.store import WORK_NAME

from tests.conftest import ROOT, SAMPLES, run_cli, warehouse_held_open

DATA_TABLES = ("files", "documents", "sightings", "removed_lines")
LISTING = (SAMPLES / "001_dabb44417cea5896.txt").read_text(encoding="utf-8")
ARTICLE = (SAMPLES / "002_842cd329f54bcaf9.txt").read_text(encoding="utf-8")
UNTITLED = (SAMPLES / "003_6d9f4b684e464447.txt").read_text(encoding="utf-8")


def zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("news.txt", ARTICLE)
    return buffer.getvalue()


def bad_inbox(folder: Path) -> dict[str, tuple[str, str | None]]:
    """Write one file per kind of messy input; returns name → (expected status, reason prefix)."""
    folder.mkdir()
    gbk_broken = ARTICLE.encode("gb18030")
    files: dict[str, tuple[bytes, str, str | None]] = {
        "gbk.txt": (UNTITLED.encode("gbk"), "loaded", None),
        "big5.txt": (
            ("聯合新聞網報導，台北市長今天表示，明年預算將增加，市議會下週審查。\n" * 30).encode("big5"),
            "loaded",
            None,
        ),
        "utf8-bom.txt": (codecs.BOM_UTF8 + ARTICLE.encode(), "loaded", None),
        "utf16-bom.txt": (ARTICLE.encode("utf-16"), "loaded", None),
        "utf16-no-bom.txt": (ARTICLE.encode("utf-16-le"), "loaded", None),
        "crlf.txt": (LISTING.replace("\n", "\r\n").encode(), "loaded", None),
        "truncated.txt": ((ARTICLE.rstrip() + "。").encode()[:-1], "loaded", "incomplete character at the end"),
        "unknown-layout.txt": ("一\n二\n".encode(), "loaded", "unknown layout"),
        "huge-line.txt": (("长" * 1_200_000).encode(), "loaded", "unknown layout"),
        "empty.txt": (b"", "quarantined", "empty file"),
        "blank.txt": (b" \r\n\t\n", "quarantined", "blank file (whitespace only)"),
        "archive.txt": (zip_bytes(), "quarantined", "binary content (zip signature)"),
        "image.txt": (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "quarantined", "binary content (png signature)"),
        "broken.txt": (gbk_broken[:500] + b"\xff\xff" + gbk_broken[500:], "quarantined", "undecodable bytes at offset"),
    }
    expected = {}
    for name, (data, status, reason) in files.items():
        (folder / name).write_bytes(data)
        expected[name] = (status, reason)
    (folder / "dangling.txt").symlink_to(folder / "nowhere.txt")
    expected["dangling.txt"] = ("quarantined", "unreadable: broken symbolic link")
    os.mkfifo(folder / "pipe.txt")
    expected["pipe.txt"] = ("quarantined", "not a regular file (named pipe)")
    return expected


def files_table(db: Path) -> dict[str, tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute(
            "SELECT path, status, reason, encoding, encoding_confidence, size_bytes, content_hash, doc_count FROM files"
        ).fetchall()
    return {Path(row[0]).name: row[1:] for row in rows}


def data_checksums(db: Path) -> dict[str, tuple[int, str]]:
    """Row count and a checksum of the sorted rows of every data table (run logs excluded)."""
    out = {}
    with duckdb.connect(str(db), read_only=True) as con:
        for table in DATA_TABLES:
            rows = con.execute(f"SELECT * FROM {table} ORDER BY ALL").fetchall()
            out[table] = (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest())
    return out


# --- bad input, in process -------------------------------------------------------------------


def test_every_messy_file_gets_a_row_with_its_status_and_reason_and_the_run_completes(ingest, tmp_path):
    expected = bad_inbox(tmp_path / "inbox")
    summary = ingest([tmp_path / "inbox"], tmp_path / "data", batch_files=4)
    files = files_table(tmp_path / "data" / "zhnews.duckdb")
    assert set(files) == set(expected)
    for name, (status, reason) in expected.items():
        got_status, got_reason = files[name][:2]
        assert got_status == status, (name, got_reason)
        if reason is None:
            assert got_reason is None, name
        else:
            assert got_reason and got_reason.startswith(reason), (name, got_reason)
    quarantined = {Path(path).name for path, _ in summary.quarantined}
    assert quarantined == {name for name, (status, _) in expected.items() if status == "quarantined"}
    assert summary.files_seen == len(expected)


def test_encodings_are_recorded_with_their_confidence(ingest, tmp_path):
    bad_inbox(tmp_path / "inbox")
    ingest([tmp_path / "inbox"], tmp_path / "data")
    files = files_table(tmp_path / "data" / "zhnews.duckdb")
    encodings = {name: row[2:4] for name, row in files.items() if row[0] == "loaded"}
    assert encodings["gbk.txt"] == ("gb18030", 1.0)
    assert encodings["big5.txt"][0] == "big5hkscs"
    assert encodings["utf8-bom.txt"] == encodings["crlf.txt"] == ("utf-8", 1.0)
    assert encodings["utf16-bom.txt"][0] == encodings["utf16-no-bom.txt"][0] == "utf-16"
    assert all(0 < confidence <= 1 for _, confidence in encodings.values())


def test_the_same_article_in_four_encodings_is_one_document(ingest, tmp_path):
    bad_inbox(tmp_path / "inbox")
    ingest([tmp_path / "inbox"], tmp_path / "data")
    with duckdb.connect(str(tmp_path / "data" / "zhnews.duckdb"), read_only=True) as con:
        seen = con.execute(
            "SELECT count(DISTINCT s.doc_id), count(*) FROM sightings s JOIN files f USING (file_id)"
            " WHERE regexp_extract(f.path, '[^/]+$') IN ('utf8-bom.txt', 'utf16-bom.txt', 'utf16-no-bom.txt')"
        ).fetchone()
    assert seen == (1, 3)


def test_a_huge_line_is_cut_to_the_documented_limit_and_flagged_not_dropped(ingest, tmp_path):
    from zhnews.transforms.pipeline import MAX_BODY_CHARS

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "huge.txt").write_text("标题\n" + "长" * (MAX_BODY_CHARS + 5000), encoding="utf-8")
    ingest([inbox], tmp_path / "data")
    with duckdb.connect(str(tmp_path / "data" / "zhnews.duckdb"), read_only=True) as con:
        length, flags = con.execute("SELECT length(body), flags FROM documents").fetchone()
    assert length == MAX_BODY_CHARS and "body_truncated" in flags


def test_rerunning_a_messy_inbox_skips_loaded_files_rechecks_quarantined_ones_and_changes_nothing(ingest, tmp_path):
    expected = bad_inbox(tmp_path / "inbox")
    first = ingest([tmp_path / "inbox"], tmp_path / "data", batch_files=4)
    before = data_checksums(tmp_path / "data" / "zhnews.duckdb")
    again = ingest([tmp_path / "inbox"], tmp_path / "data", batch_files=4)
    assert data_checksums(tmp_path / "data" / "zhnews.duckdb") == before
    assert again.files_unchanged == first.files_loaded == sum(s == "loaded" for s, _ in expected.values())
    assert again.files_loaded == 0 and again.documents_new == 0
    assert sorted(again.quarantined) == sorted(first.quarantined)


def test_a_changed_file_replaces_its_rows_and_the_result_equals_a_fresh_run(ingest, tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for sample in sorted(SAMPLES.glob("*.txt")):
        (inbox / sample.name).write_bytes(sample.read_bytes())
    ingest([inbox], tmp_path / "data")
    changed = inbox / "002_842cd329f54bcaf9.txt"
    changed.write_text(ARTICLE.replace("日媒", "外媒", 1), encoding="utf-8")
    rerun = ingest([inbox], tmp_path / "data")
    assert (rerun.files_loaded, rerun.files_unchanged) == (1, 4)
    ingest([inbox], tmp_path / "fresh")
    assert data_checksums(tmp_path / "data" / "zhnews.duckdb") == data_checksums(tmp_path / "fresh" / "zhnews.duckdb")


def test_an_unchanged_rerun_never_builds_a_dump_pipeline(ingest, tmp_path, monkeypatch):
    import zhnews.flows.extract

    ingest([SAMPLES], tmp_path)
    built = []
    monkeypatch.setattr(zhnews.flows.extract, "_pipelines", {})
    monkeypatch.setattr(zhnews.flows.extract, "DumpPipeline", lambda *a, **k: built.append(a))
    summary = ingest([SAMPLES], tmp_path)
    assert summary.files_unchanged == 5 and built == []


# --- processes: the real CLI -----------------------------------------------------------------


@pytest.fixture
def cli(prefect_harness, tmp_path):
    """Run `python -m zhnews.flows.cli ...` in a subprocess: `cli(*args, env=..., wait=True)`."""
    from prefect.settings import PREFECT_API_URL

    env = dict(os.environ, PREFECT_API_URL=PREFECT_API_URL.value())
    env.pop("COLUMNS", None)  # errors must stay one line at a terminal's default width
    env.pop("PREFECT_LOGGING_LEVEL", None)  # the CLI's own default: quiet
    env.pop("ZHNEWS_FAULT", None)

    def run(*args, extra_env=None, wait=True):
        if wait:
            return run_cli(*args, env={**env, **(extra_env or {})})
        command = [sys.executable, "-m", "zhnews.flows.cli", *map(str, args)]
        env_now = {**env, **(extra_env or {})}
        return subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT, env=env_now, text=True
        )

    return run


def small_inbox(folder: Path) -> Path:
    """Six dumps (five samples and a quarantined one): three batches of two files."""
    folder.mkdir()
    for sample in sorted(SAMPLES.glob("*.txt")):
        (folder / sample.name).write_bytes(sample.read_bytes())
    (folder / "zz-empty.txt").write_bytes(b"")
    return folder


def test_killing_a_run_at_any_point_then_rerunning_gives_the_warehouse_of_one_clean_run(cli, ingest, tmp_path):
    inbox = small_inbox(tmp_path / "inbox")
    data = tmp_path / "data"
    args = ("ingest", inbox, "--data-dir", data, "--batch-files", 2, "--no-progress")
    # Each run starts where the previous one died: batch numbers count the run's batches of files to
    # read (the quarantined file is read again by every run: the last one dies loading it alone).
    for fault in ("after-extract:1", "after-parquet:2", "mid-load:2", "after-load:1", "mid-load:1"):
        killed = cli(*args, extra_env={"ZHNEWS_FAULT": fault})
        assert killed.returncode == -signal.SIGKILL, (fault, killed.stderr)
    final = cli(*args)
    assert final.returncode == 0, final.stderr
    ingest([inbox], tmp_path / "clean", batch_files=2)

    assert data_checksums(data / "zhnews.duckdb") == data_checksums(tmp_path / "clean" / "zhnews.duckdb")
    with duckdb.connect(str(data / "zhnews.duckdb"), read_only=True) as con:
        loads = con.execute("SELECT status, message FROM loads ORDER BY started_at").fetchall()
        events = con.execute("SELECT count(*), count(DISTINCT file_id) FROM file_events").fetchone()
    assert loads[:-1] == [("failed", "interrupted (process ended before finishing)")] * 5
    assert loads[-1] == ("completed", None)
    assert events[1] == 6  # every file's outcome is logged by the runs that committed it

    with duckdb.connect(str(data / "zhnews.duckdb"), read_only=True) as con:
        committed = sorted(row[0] for row in con.execute("SELECT path FROM parquet_files").fetchall())
    on_disk = sorted(p.relative_to(data).as_posix() for p in (data / "parquet").rglob("*") if p.is_file())
    assert on_disk == committed  # no leftovers of the killed runs' batches


def test_a_second_run_on_the_same_data_dir_refuses_or_waits_and_the_warehouse_stays_consistent(cli, ingest, tmp_path):
    inbox = small_inbox(tmp_path / "inbox")
    data = tmp_path / "data"
    release = tmp_path / "release"
    args = ("ingest", inbox, "--data-dir", data, "--batch-files", 2, "--no-progress")
    first = cli(
        *args, extra_env={"ZHNEWS_FAULT": "after-load:1:pause", "ZHNEWS_FAULT_RELEASE": str(release)}, wait=False
    )
    try:
        while not Path(f"{release}.paused").exists():  # the first run holds the lock, one batch loaded
            assert first.poll() is None, first.communicate()
            time.sleep(0.1)
        refused = cli(*args)
        assert refused.returncode == 2
        assert refused.stderr.count("\n") == 1 and "Traceback" not in refused.stderr
        assert f"is being written by another zhnews run (pid {first.pid})" in refused.stderr
        assert "--wait" in refused.stderr

        waiting = cli(*args, "--wait", 300, wait=False)
        line = waiting.stderr.readline()
        assert "waiting for another zhnews run" in line
        release.touch()
        out, err = waiting.communicate(timeout=300)
        assert waiting.returncode == 0, err
    finally:
        release.touch()
        _, first_err = first.communicate(timeout=300)
    assert first.returncode == 0, first_err
    assert "unchanged (skipped)" in out
    ingest([inbox], tmp_path / "clean", batch_files=2)
    assert data_checksums(data / "zhnews.duckdb") == data_checksums(tmp_path / "clean" / "zhnews.duckdb")
    with duckdb.connect(str(data / "zhnews.duckdb"), read_only=True) as con:
        assert con.execute("SELECT status, files_unchanged FROM loads ORDER BY started_at").fetchall() == [
            ("completed", 0),
            ("completed", 5),
        ]


def test_the_loaders_copy_of_the_warehouse_held_open_by_another_program_is_a_one_line_error(cli, tmp_path):
    """Readers of the published `zhnews.duckdb` never block a run (tests/flows/test_readers.py);
    a program holding the loader's own copy open does."""
    data = tmp_path / "data"
    data.mkdir()
    with warehouse_held_open(data / WORK_NAME) as holder:
        proc = cli("ingest", SAMPLES, "--data-dir", data)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and proc.stderr.count("\n") == 1
    assert "is open in another program" in proc.stderr and f"PID {holder.pid}" in proc.stderr
    assert "close it" in proc.stderr


@pytest.mark.parametrize(
    ("data_dir", "message"),
    [
        ("/proc/zhnews-data", "cannot write to data dir /proc/zhnews-data"),
        ("FILE", "is a file, not a folder; choose a writable folder with --data-dir"),
    ],
)
def test_a_data_dir_that_cannot_be_written_is_a_one_line_error(cli, tmp_path, data_dir, message):
    if data_dir == "FILE":
        data_dir = tmp_path / "not-a-folder"
        data_dir.write_text("x")
    proc = cli("ingest", SAMPLES, "--data-dir", data_dir)
    assert proc.returncode == 2
    assert message in proc.stderr and proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr


def test_a_broken_symbolic_link_given_as_input_is_named_as_such(cli, tmp_path):
    link = tmp_path / "dump.txt"
    link.symlink_to(tmp_path / "gone.txt")
    proc = cli("ingest", link, "--data-dir", tmp_path / "data")
    assert proc.returncode == 2
    assert "is a broken symbolic link" in proc.stderr and "Traceback" not in proc.stderr


def test_quarantined_files_do_not_fail_the_run_and_are_listed_in_the_summary(cli, tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "good.txt").write_bytes((SAMPLES / "002_842cd329f54bcaf9.txt").read_bytes())
    (inbox / "photo.txt").write_bytes(b"\xff\xd8\xff\xe0" + bytes(300))
    proc = cli("ingest", inbox, "--data-dir", tmp_path / "data", "--no-progress", extra_env={"COLUMNS": "400"})
    assert proc.returncode == 0, proc.stderr
    assert "quarantined" in proc.stdout and "photo.txt" in proc.stdout
    assert "binary content (jpeg signature)" in proc.stdout


def test_when_prefects_temporary_server_dies_mid_run_the_cli_says_so_and_ends(tmp_path):
    """The run fails with one line naming the cause, keeps what it committed, and does not sit for
    minutes at exit retrying to send Prefect's last events to the dead server."""
    import psutil

    inbox, data, release = small_inbox(tmp_path / "inbox"), tmp_path / "data", tmp_path / "release"
    env = {k: v for k, v in os.environ.items() if k not in ("PREFECT_API_URL", "ZHNEWS_FAULT", "COLUMNS")}
    env |= {"PREFECT_HOME": str(tmp_path / "home"), "ZHNEWS_FAULT": "after-load:1:pause"}
    env |= {"ZHNEWS_FAULT_RELEASE": str(release)}
    command = [sys.executable, "-m", "zhnews.flows.cli", "ingest", str(inbox), "-d", str(data), "--batch-files", "2"]
    run = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        while not Path(f"{release}.paused").exists():  # one batch loaded, the run holds on
            assert run.poll() is None, run.communicate()
            time.sleep(0.1)
        servers = [
            p for p in psutil.Process(run.pid).children() if "prefect.server.api.server:create_app" in p.cmdline()
        ]
        assert len(servers) == 1
        servers[0].kill()  # SIGKILL: dead at once (a zombie until the run, its parent, reaps it)
        _, err = run.communicate(timeout=120)  # the run ends by itself, still paused after batch 1
    finally:
        release.touch()
    assert run.returncode == 2
    assert "error: Prefect's temporary API server stopped during the run" in err
    assert "the batch in progress was rolled back" in err and "Traceback" not in err
    with duckdb.connect(str(data / WORK_NAME), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM files").fetchone()[0] == 2  # the first batch stays
    env.pop("ZHNEWS_FAULT")
    again = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert again.returncode == 0, again.stderr
    with duckdb.connect(str(data / "zhnews.duckdb"), read_only=True) as con:
        loads = con.execute("SELECT status, message FROM loads ORDER BY started_at").fetchall()
        assert loads == [("failed", "interrupted (process ended before finishing)"), ("completed", None)]
        assert con.execute("SELECT count(*) FROM files").fetchone()[0] == 6


def test_when_another_program_takes_the_temporary_servers_port_first_the_server_starts_on_another(tmp_path):
    """The port is picked, then the server binds it: if something took it in between (the server
    exits with uvicorn's start-up failure code), the server is launched again on a new port, quietly."""
    script = """
import os, socket
from zhnews.flows import api_server

taken = socket.socket()
taken.bind(("127.0.0.1", 0))
taken.listen()
picks = iter([taken.getsockname()[1]])  # the first pick is the port another program holds
pick_free_port = api_server._free_port
api_server._free_port = lambda: next(picks, None) or pick_free_port()
with api_server.prefect_api(on_lost=lambda code: None) as ready:
    with ready():
        print(taken.getsockname()[1], os.environ["PREFECT_API_URL"])
"""
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"} | {"PREFECT_HOME": str(tmp_path / "home")}
    proc = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert proc.returncode == 0, proc.stderr
    taken, api_url = proc.stdout.split()
    assert api_url.startswith("http://127.0.0.1:") and not api_url.startswith(f"http://127.0.0.1:{taken}/")
    assert "address already in use" not in proc.stderr  # the failed attempt, retried, is not the user's business


def test_when_prefects_temporary_server_cannot_start_the_cli_shows_why_and_ends(tmp_path):
    """A server that fails for its own reasons (here: its database cannot be opened) is not retried:
    its output, which says why, is shown once, then one line ends the run."""
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env |= {"PREFECT_HOME": str(tmp_path / "home")}
    env |= {"PREFECT_SERVER_DATABASE_CONNECTION_URL": f"sqlite+aiosqlite:///{tmp_path}/missing/dir/prefect.db"}
    proc = run_cli("ingest", SAMPLES, "--data-dir", tmp_path / "data", "--no-progress", env=env, timeout=120)
    assert proc.returncode == 2
    assert "unable to open database file" in proc.stderr  # its reason
    assert proc.stderr.count("Application startup failed") == 1  # from one attempt
    assert "error: ServerDidNotStart: Prefect's temporary server exited with code 3" in proc.stderr


def test_a_prefect_server_named_by_the_users_prefect_profile_gets_the_run_and_no_temporary_server_is_left(
    prefect_harness, tmp_path
):
    """PREFECT_API_URL may come from a Prefect profile instead of the environment: the temporary
    server launched before Prefect read its settings is stopped, and the run reports to that server."""
    import psutil
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.sorting import FlowRunSort
    from prefect.settings import PREFECT_API_URL

    home, data = tmp_path / "home", tmp_path / "data"
    home.mkdir()
    (home / "profiles.toml").write_text(
        f'active = "team"\n\n[profiles.team]\nPREFECT_API_URL = "{PREFECT_API_URL.value()}"\n', encoding="utf-8"
    )
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"} | {"PREFECT_HOME": str(home)}
    proc = run_cli("ingest", SAMPLES, "--data-dir", data, "--no-progress", env=env)
    assert proc.returncode == 0, proc.stderr
    with get_client(sync_client=True) as client:
        runs = client.read_flow_runs(sort=FlowRunSort.START_TIME_DESC, limit=10)
    assert str(data) in [run.parameters.get("data_dir") for run in runs]
    left = []
    for process in psutil.process_iter():
        with contextlib.suppress(psutil.Error):
            if process.environ().get("PREFECT_HOME") == str(home):
                left.append(process.cmdline())
    assert left == []
