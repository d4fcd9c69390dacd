"""Build the report: read the warehouse (read-only), draw each section, write one HTML file."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
from zhnews.reports import charts, queries
from zhnews.reports.entities import who_and_where
from zhnews.reports.page import Section, cards, esc, figure, note, page, table, unavailable
from zhnews.warehouse import DB_NAME, TIMEZONE

TOP_OUTLETS = 12
DAILY_UP_TO_DAYS = 120  # longer spans are drawn per week, then per month: years of daily bars are unreadable
WEEKLY_UP_TO_DAYS = 730
TOP_RULES = 25
TERM_WEEKS = 12
TOP_TERMS = 20
TOP_STORIES = 20
LOADS_SHOWN = 10

Con = duckdb.DuckDBPyConnection
STORY_HEADERS = {
    "first_published": "first published",
    "last_published": "last published",
    "min_similarity": "lowest similarity",
    "published_at": "published",
}


class NoWarehouse(FileNotFoundError):
    """The data dir has no warehouse file."""


def build_report(data_dir: Path, out: Path) -> Path:
    """Write the HTML report of the warehouse in `data_dir` to `out` (atomically); returns `out`."""
    db = data_dir / DB_NAME
    if not db.exists():
        raise NoWarehouse(f"no warehouse at {db}; run `zhnews ingest PATH --data-dir {data_dir}` first")
    with duckdb.connect(str(db), read_only=True) as con:
        con.execute(f"SET TimeZone = '{TIMEZONE}'")
        sections = [_drawn(key, title, make, con) for key, title, make in SECTIONS]
    generated = dt.datetime.now(ZoneInfo(TIMEZONE)).strftime("%Y-%m-%d %H:%M Beijing time")
    text = page("zhnews report", f"Warehouse {db.resolve()} · generated {generated}", sections)
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    partial.write_text(text, encoding="utf-8")
    partial.replace(out)
    return out


def _drawn(key: str, title: str, make: Callable[[Con], Section], con: Con) -> Section:
    """The section, or one that shows why it could not be drawn (e.g. a view of another zhnews version)."""
    try:
        return make(con)
    except duckdb.Error as exc:
        body = f'<p class="missing">Could not be drawn from this warehouse.</p><p class="note">{esc(exc)}</p>'
        return Section(key, title, body, available=False)


def overview(con: Con) -> Section:
    o = queries.overview(con)
    span = "-"
    if o["first_published"]:
        span = f"{o['first_published']:%Y-%m-%d} → {o['last_published']:%Y-%m-%d}"
    last_load = f"{o['last_load']:%Y-%m-%d %H:%M}" if o["last_load"] else "-"
    body = cards(
        [
            ("documents", o["documents"]),
            ("outlets", o["outlets"]),
            ("files", o["files"]),
            ("quarantined files", o["quarantined"]),
            ("published", span),
            ("loads", o["loads"]),
            ("last completed load (Beijing time)", last_load),
        ]
    )
    loads = queries.recent_loads(con, LOADS_SHOWN)
    if loads:
        body += f"<details open><summary>Last {len(loads.rows)} loads</summary>{table(loads, 'loads', {'started_at': 'started (Beijing time)'})}</details>"
    return Section("overview", "Overview", body)


def documents_per_day(con: Con) -> Section:
    span = queries.published_span_days(con)
    unit = "day" if span <= DAILY_UP_TO_DAYS else "week" if span <= WEEKLY_UP_TO_DAYS else "month"
    rows = queries.documents_per_period(con, unit, TOP_OUTLETS)
    undated = queries.undated_documents(con)
    text = f"Publication {unit} in Beijing time; the {TOP_OUTLETS} largest outlets, others grouped."
    if unit != "day":
        text += f" Dates span {span} days, so bars are {unit}s (by their first day); zoom in for detail."
    if undated:
        text += f" Not drawn: {undated} without a publication time."
    body = note(text) + (
        figure(charts.documents_per_period(rows, unit), "documents-per-day")
        if rows
        else note("No dated documents yet.")
    )
    return Section("documents-per-day", f"Documents per {unit} by outlet", body)


def top_terms(con: Con) -> Section:
    title = "Top terms per week"
    if not queries.has_relations(con, "v_term_trends"):
        return unavailable("top-terms", title, ["doc_terms", "v_term_trends"], "This warehouse has no segmented terms.")
    rows = queries.term_trends(con, TERM_WEEKS, TOP_TERMS)
    body = note(
        f"The {TOP_TERMS} terms (words of two or more characters; numbers and dates aside) used by the most "
        f"documents in the last {TERM_WEEKS} weeks with dated documents."
    )
    body += figure(charts.term_trends(rows), "top-terms") if rows else note("No terms in dated documents yet.")
    return Section("top-terms", title, body)


def boilerplate(con: Con) -> Section:
    by_rule = queries.removed_by_rule(con, TOP_RULES)
    if not by_rule:
        return Section("boilerplate", "Boilerplate removed", note("No line has been removed yet."))
    by_site = queries.removed_by_site(con)
    body = note(
        "Every line the cleaners took out of a page, by the rule that took it (rule family:detail), and per site "
        "(the site profiles that applied to the file, or its layout when none did)."
    )
    body += figure(charts.removed_by_rule(by_rule), "removed-by-rule")
    body += figure(charts.removed_by_site(by_site), "removed-by-site")
    return Section("boilerplate", "Boilerplate removed per rule and per site", body)


def layouts_and_encodings(con: Con) -> Section:
    body = note("The input files as last loaded: layout recognised and text encoding detected.")
    body += '<div class="grid2">'
    body += f"<div>{figure(charts.files_by(queries.files_by(con, 'layout'), 'layout'), 'layouts')}</div>"
    body += f"<div>{figure(charts.files_by(queries.files_by(con, 'encoding'), 'encoding'), 'encodings')}</div>"
    return Section("layouts", "Layouts and encodings seen", body + "</div>")


def quarantined(con: Con) -> Section:
    rows = queries.quarantined_files(con)
    title = f"Quarantined files ({len(rows.rows)})"
    if not rows:
        return Section("quarantined", title, note("No file is quarantined."))
    body = note("Files not loaded, with the reason. Fix or replace a file and ingest again: changed files are retried.")
    return Section("quarantined", title, body + table(rows, "quarantined", {"bytes": "size (bytes)"}))


def near_duplicates(con: Con) -> Section:
    title = "Near-duplicate stories"
    if not queries.has_relations(con, "doc_stories", "v_stories"):
        return unavailable(
            "stories", title, ["doc_stories", "v_stories"], "This warehouse has no near-duplicate grouping."
        )
    rows = queries.stories(con, TOP_STORIES)
    if not rows:
        return Section("stories", title, note("No story has two or more documents yet."))
    members = queries.story_members(con, rows.column("story_id"))
    body = note(f"Groups of documents that are reposts or excerpts of one another; the {TOP_STORIES} largest.")
    body += figure(charts.story_sizes(rows), "stories")
    shown = queries.Rows(rows.columns[1:], [row[1:] for row in rows.rows])
    body += table(shown, "stories", STORY_HEADERS)
    by_story: dict[str, list[tuple]] = {}
    for row in members.rows:
        by_story.setdefault(row[0], []).append(row[1:])
    details = "".join(
        f"<details><summary>{esc(title_)} ({len(by_story.get(sid, []))})</summary>"
        f"{table(queries.Rows(members.columns[1:], by_story.get(sid, [])), f'story-{i}', STORY_HEADERS)}</details>"
        for i, (sid, title_) in enumerate(zip(rows.column("story_id"), rows.column("title"), strict=True), 1)
    )
    return Section("stories", title, body + details)


# (anchor, title if it fails, builder), in page order
SECTIONS: list[tuple[str, str, Callable[[Con], Section]]] = [
    ("overview", "Overview", overview),
    ("documents-per-day", "Documents per day by outlet", documents_per_day),
    ("top-terms", "Top terms per week", top_terms),
    ("entities", "Who and where", who_and_where),
    ("boilerplate", "Boilerplate removed per rule and per site", boilerplate),
    ("layouts", "Layouts and encodings seen", layouts_and_encodings),
    ("quarantined", "Quarantined files", quarantined),
    ("stories", "Near-duplicate stories", near_duplicates),
]
