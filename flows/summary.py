"""The end-of-run summary: one set of rows, shown in the terminal (rich) and as Markdown (Prefect UI)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Console
from rich.table import Table
from zhnews.warehouse import DB_NAME

if TYPE_CHECKING:
    from zhnews.flows.ingest import RunSummary

TOP_RULES = 15


def summary_rows(summary: RunSummary) -> list[tuple[str, str]]:
    """(label, value) rows of the run's headline figures; a leading space marks a sub-row."""
    mb = summary.input_bytes / 1e6
    rate = mb / summary.wall_seconds if summary.wall_seconds else 0.0
    stages = ", ".join(f"{stage} {seconds:.1f}s" for stage, seconds in summary.stage_seconds.items())
    return [
        ("files seen", str(summary.files_seen)),
        (" loaded", str(summary.files_loaded)),
        (" unchanged (skipped)", str(summary.files_unchanged)),
        *([(" extracted again (--reprocess)", str(summary.reprocessed))] if summary.reprocessed else []),
        (" quarantined", str(len(summary.quarantined))),
        ("documents in loaded files", str(summary.documents_seen)),
        (" new to the warehouse", str(summary.documents_new)),
        (" duplicates (seen before)", str(duplicate_documents(summary))),
        ("lines removed", str(summary.lines_removed)),
        ("input", f"{mb:.2f} MB in {summary.wall_seconds:.1f} s ({rate:.2f} MB/s)"),
        *[("interrupted run, finished now", load_id) for load_id in summary.interrupted],
        *[("repaired", what) for what in summary.repaired],
        ("time by stage", stages or "-"),
        ("warehouse", f"{summary.data_dir}/{DB_NAME}"),
    ]


def duplicate_documents(summary: RunSummary) -> int:
    """Documents of loaded files that added no new row: already in the warehouse or seen twice."""
    return max(summary.documents_seen - summary.documents_new, 0)


def file_problems(summary: RunSummary) -> list[tuple[str, list[tuple[str, str]]]]:
    """(title, [(path, reason)]) for quarantined files and files loaded with a warning."""
    return [("quarantined", summary.quarantined), ("loaded with a warning", summary.flagged)]


def print_summary(summary: RunSummary, console: Console) -> None:
    """Files, documents, removed lines by rule, time by stage, quarantined files with reasons."""
    head = Table(title=f"zhnews ingest · load {summary.load_id}", show_header=False, title_justify="left")
    head.add_column(style="bold")
    head.add_column(justify="right")
    for label, value in summary_rows(summary):
        head.add_row(label.replace(" ", "  ", 1) if label.startswith(" ") else label, value)
    console.print(head)
    if summary.rules:
        rules = Table(title="removed / edited by rule", title_justify="left")
        rules.add_column("rule")
        rules.add_column("count", justify="right")
        for rule, count in summary.rules.most_common(TOP_RULES):
            rules.add_row(rule, str(count))
        console.print(rules)
    for title, rows in file_problems(summary):
        if rows:
            table = Table(title=title, title_justify="left")
            table.add_column("file", overflow="fold")
            table.add_column("reason")
            for path, reason in rows:
                table.add_row(path, reason)
            console.print(table)


def summary_markdown(summary: RunSummary) -> str:
    """The same summary as Markdown, for a Prefect markdown artifact."""
    lines = [f"# zhnews ingest · load `{summary.load_id}`", "", "| figure | value |", "|---|---:|"]
    lines += [
        f"| {_md('↳ ' + label[1:] if label.startswith(' ') else label)} | {_md(value)} |"
        for label, value in summary_rows(summary)
    ]
    if summary.rules:
        lines += ["", "## Removed / edited by rule", "", "| rule | count |", "|---|---:|"]
        lines += [f"| {_md(rule)} | {count} |" for rule, count in summary.rules.most_common(TOP_RULES)]
    for title, rows in file_problems(summary):
        if rows:
            lines += ["", f"## {title.capitalize()} ({len(rows)})", "", "| file | reason |", "|---|---|"]
            lines += [f"| {_md(path)} | {_md(reason)} |" for path, reason in rows]
    return "\n".join(lines) + "\n"


def summary_table(summary: RunSummary) -> list[dict[str, str | int]]:
    """Rows for a Prefect table artifact: every figure of the run, then each rule and problem file."""
    rows: list[dict[str, str | int]] = [
        {"section": "run", "item": label.strip(), "value": value} for label, value in summary_rows(summary)
    ]
    rows += [{"section": "rule", "item": rule, "value": count} for rule, count in summary.rules.most_common()]
    for title, problems in file_problems(summary):
        rows += [{"section": title, "item": path, "value": reason} for path, reason in problems]
    return rows


def _md(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return text.replace("|", "\\|").replace("\n", " ")
