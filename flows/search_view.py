"""Search results as a table a person reads in the terminal."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text
from zhnews.flows.search import Hit, highlight_spans


def highlighted(text: str, terms: list[str], style: str = "bold black on yellow") -> Text:
    """`text` with every query term styled."""
    out = Text(text)
    for start, end in highlight_spans(text, terms):
        out.stylize(style, start, end)
    return out


def print_hits(console: Console, query: str, terms: list[str], hits: list[Hit], by: str | None = None) -> None:
    """A ranked table of hits, query terms highlighted in titles and snippets; `by`: what orders
    them and what the score is (default: BM25)."""
    caption = f"terms: {' · '.join(dict.fromkeys(terms))} · {by or 'BM25 over jieba terms'}"
    if not hits:
        console.print(f"no documents match [bold]{query}[/] ({caption})")
        return
    table = Table(title=f"zhnews search · {query}", caption=caption, title_justify="left", show_lines=True)
    table.add_column("#", justify="right", style="dim")
    table.add_column("mentions" if by else "score", justify="right")
    table.add_column("title · outlet · date", ratio=2, overflow="fold")
    table.add_column("snippet", ratio=3, overflow="fold")
    for rank, hit in enumerate(hits, start=1):
        head = highlighted(hit.title or "(untitled)", terms)
        head.stylize("bold")
        meta = " · ".join(x for x in (hit.source, (hit.published_at or "")[:16].replace("T", " ")) if x)
        head.append("\n" + (meta or "-"), style="cyan")
        table.add_row(
            str(rank), f"{hit.score:.0f}" if by else f"{hit.score:.2f}", head, highlighted(hit.snippet, terms)
        )
    console.print(table)
