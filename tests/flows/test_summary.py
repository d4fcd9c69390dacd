"""The end-of-run summary tells what the warehouse holds, in the terminal and as Prefect artifacts."""

import json
import shutil

import duckdb
import pytest
from rich.console import Console
from zhnews.flows.artifacts import SUMMARY_KEY, TABLE_KEY
from zhnews.flows.summary import duplicate_documents, print_summary, summary_markdown

from tests.conftest import SAMPLES


@pytest.fixture
def inbox(tmp_path):
    """The five seed dumps, one empty file and one file of random bytes."""
    folder = tmp_path / "inbox"
    shutil.copytree(SAMPLES, folder)
    (folder / "empty.txt").write_bytes(b"")
    (folder / "noise.txt").write_bytes(bytes(range(256)) * 8)
    return folder


def query(db, sql, *params):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


def test_summary_figures_match_what_the_warehouse_recorded(ingest, inbox, tmp_path):
    summary = ingest([inbox], tmp_path / "data")
    db = tmp_path / "data" / "zhnews.duckdb"
    events = dict(
        query(db, "SELECT outcome, count(*) FROM file_events WHERE load_id = ? GROUP BY ALL", summary.load_id)
    )
    assert summary.files_seen == sum(events.values()) == 7
    assert summary.files_loaded == events["loaded"] == 5
    quarantined = query(db, "SELECT path, reason FROM file_events WHERE outcome = 'quarantined' ORDER BY path")
    assert sorted(summary.quarantined) == quarantined and len(quarantined) == 2
    assert all(reason for _, reason in quarantined)
    assert summary.documents_new == query(db, "SELECT count(*) FROM documents")[0][0] == 20
    assert summary.documents_seen == query(db, "SELECT count(*) FROM sightings")[0][0]
    assert summary.lines_removed == query(db, "SELECT count(*) FROM removed_lines")[0][0] > 0
    for rule, lines in query(db, "SELECT rule, count(*) FROM removed_lines GROUP BY rule"):
        assert summary.rules[rule] == lines, rule
    loads = query(db, "SELECT files_seen, files_loaded, files_quarantined, documents_new, lines_removed FROM loads")
    assert loads == [(7, 5, 2, 20, summary.lines_removed)]
    assert set(summary.stage_seconds) >= {"extract", "parquet", "load"}


def test_an_unchanged_rerun_counts_its_files_in_its_run_record_not_in_a_row_a_file(ingest, inbox, tmp_path):
    first = ingest([inbox], tmp_path / "data")
    again = ingest([inbox], tmp_path / "data")
    db = tmp_path / "data" / "zhnews.duckdb"
    assert (again.files_seen, again.files_unchanged, again.input_bytes) == (7, 5, first.input_bytes)
    loads = query(
        db,
        "SELECT files_seen, files_loaded, files_unchanged, files_quarantined FROM loads WHERE load_id = ?",
        again.load_id,
    )
    assert loads == [(7, 0, 5, 2)]
    events = query(db, "SELECT outcome, count(*) FROM file_events WHERE load_id = ? GROUP BY ALL", again.load_id)
    assert events == [("quarantined", 2)]  # the files it read again; the unchanged ones are only counted
    records = query(db, "SELECT status, count(*) FROM files GROUP BY ALL ORDER BY ALL")
    assert records == [("loaded", 5), ("quarantined", 2)]  # every file found has its record


def test_a_copy_of_a_dump_counts_its_documents_as_duplicates(ingest, inbox, tmp_path):
    ingest([inbox], tmp_path / "data")
    copy = inbox / "copy-of-000.txt"
    shutil.copy(inbox / "000_b0ec5b72fc695364.txt", copy)
    again = ingest([inbox], tmp_path / "data")
    db = tmp_path / "data" / "zhnews.duckdb"
    in_copy = query(db, "SELECT count(*) FROM sightings JOIN files USING (file_id) WHERE path = ?", str(copy))[0][0]
    loaded_unchanged_quarantined = (again.files_loaded, again.files_unchanged, len(again.quarantined))
    assert loaded_unchanged_quarantined == (1, 5, 2) and again.documents_new == 0  # bad files are tried again
    assert duplicate_documents(again) == again.documents_seen == in_copy > 0


def test_the_terminal_summary_shows_every_figure_and_each_quarantined_file(ingest, inbox, tmp_path):
    summary = ingest([inbox], tmp_path / "data")
    console = Console(record=True, width=200)
    print_summary(summary, console)
    text = console.export_text()
    for label in ("files seen", "unchanged (skipped)", "new to the warehouse", "duplicates", "time by stage"):
        assert label in text
    for path, reason in summary.quarantined:
        assert path in text and reason in text
    top_rule, top_count = summary.rules.most_common(1)[0]
    assert top_rule in text and str(top_count) in text


def test_each_run_publishes_its_summary_as_prefect_artifacts(ingest, inbox, tmp_path):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId

    state = ingest([inbox], tmp_path / "data", return_state=True)
    summary = state.result()
    run_filter = ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[state.state_details.flow_run_id]))
    with get_client(sync_client=True) as client:
        artifacts = {a.key: a for a in client.read_artifacts(artifact_filter=run_filter)}
    assert set(artifacts) == {SUMMARY_KEY, TABLE_KEY}
    markdown = artifacts[SUMMARY_KEY]
    assert markdown.type == "markdown" and markdown.data == summary_markdown(summary)
    assert "| files seen | 7 |" in markdown.data and "| ↳ new to the warehouse | 20 |" in markdown.data
    table = artifacts[TABLE_KEY]
    rows = json.loads(table.data) if isinstance(table.data, str) else table.data
    figures = {(row["section"], row["item"]): row["value"] for row in rows}
    assert figures[("run", "files seen")] == "7" and figures[("run", "quarantined")] == "2"
    assert {path for (section, path) in figures if section == "quarantined"} == {p for p, _ in summary.quarantined}
    assert figures[("rule", summary.rules.most_common(1)[0][0])] == summary.rules.most_common(1)[0][1]
