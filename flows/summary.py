"""The end-of-run summary a person reads in the terminal."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from flows.ingest import RunSummary


def print_summary(summary: RunSummary, console: Console) -> None:
    """Files, documents, removed lines by rule, time by stage, quarantined files with reasons."""
    mb = summary.input_bytes / 1e6
    rate = mb / summary.wall_seconds if summary.wall_seconds else 0.0
    head = Table(title=f"zhnews ingest · load {summary.load_id}", show_header=False, title_justify="left")
    head.add_column(style="bold")
    head.add_column(justify="right")
    head.add_row("files seen", str(summary.files_seen))
    head.add_row("  loaded", str(summary.files_loaded))
    head.add_row("  unchanged (skipped)", str(summary.files_unchanged))
    head.add_row("  quarantined", str(len(summary.quarantined)))
    head.add_row("documents in loaded files", str(summary.documents_seen))
    head.add_row("  new to the warehouse", str(summary.documents_new))
    head.add_row("lines removed", str(summary.lines_removed))
    head.add_row("input", f"{mb:.2f} MB in {summary.wall_seconds:.1f} s ({rate:.2f} MB/s)")
    stages = ", ".join(f"{k} {v:.1f}s" for k, v in summary.stage_seconds.items())
    head.add_row("time by stage", stages or "-")
    head.add_row("warehouse", f"{summary.data_dir}/zhnews.duckdb")
    console.print(head)
    if summary.rules:
        rules = Table(title="removed / edited by rule", title_justify="left")
        rules.add_column("rule")
        rules.add_column("count", justify="right")
        for rule, count in summary.rules.most_common(15):
            rules.add_row(rule, str(count))
        console.print(rules)
    for title, rows in (("quarantined", summary.quarantined), ("loaded with a warning", summary.flagged)):
        if rows:
            table = Table(title=title, title_justify="left")
            table.add_column("file")
            table.add_column("reason")
            for path, reason in rows:
                table.add_row(path, reason)
            console.print(table)
