"""The HTML around the charts: one file with its styles and plotly.js embedded, no network at view time."""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Iterable
from dataclasses import dataclass

import plotly.graph_objects as go
from plotly.offline import get_plotlyjs
from zhnews.reports.fonts import FONT_FAMILY, font_face_css, shown_characters
from zhnews.reports.queries import Rows

CHART_CONFIG = {"displaylogo": False, "responsive": True, "toImageButtonOptions": {"format": "png"}}

STYLE = """
:root { --ink: #1f2933; --muted: #616e7c; --line: #e4e7eb; --accent: #2f6fde; --warn: #b44d12; }
* { box-sizing: border-box; }
body { margin: 0; color: var(--ink); background: #f5f7fa;
       font: 15px/1.5 'zhnews CJK', 'Noto Sans CJK SC', 'Source Han Sans SC', 'PingFang SC', 'Microsoft YaHei', system-ui, sans-serif; }
code { font-family: ui-monospace, 'DejaVu Sans Mono', 'zhnews CJK', monospace; }
header { background: #102a43; color: #f0f4f8; padding: 22px 32px; }
header h1 { margin: 0 0 4px; font-size: 24px; }
header p { margin: 0; color: #bcccdc; font-size: 13px; }
nav { padding: 10px 32px; background: #fff; border-bottom: 1px solid var(--line); font-size: 14px; }
nav a { color: var(--accent); margin-right: 18px; text-decoration: none; white-space: nowrap; }
main { max-width: 1200px; margin: 0 auto; padding: 8px 24px 48px; }
section { background: #fff; border: 1px solid var(--line); border-radius: 8px; margin: 20px 0; padding: 18px 22px; }
section h2 { margin: 0 0 6px; font-size: 19px; }
section > p.note { margin: 0 0 10px; color: var(--muted); font-size: 13px; }
section.unavailable { background: #fafbfc; }
section.unavailable p.missing { color: var(--warn); font-weight: 600; }
.cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(140px, 1fr)); gap: 12px; margin: 8px 0 14px; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 10px 14px; }
.card b { display: block; font-size: 19px; }
.card span { color: var(--muted); font-size: 12px; }
.grid2 { display: grid; grid-template-columns: 1fr 1fr; gap: 16px; }
@media (max-width: 900px) { .grid2 { grid-template-columns: 1fr; } }
table { border-collapse: collapse; width: 100%; font-size: 13px; margin-top: 8px; }
th, td { border-bottom: 1px solid var(--line); padding: 5px 8px; text-align: left; vertical-align: top; }
th { background: #f0f4f8; font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
td.path { word-break: break-all; font-family: ui-monospace, 'DejaVu Sans Mono', 'zhnews CJK', monospace; font-size: 12px; }
details { margin-top: 10px; font-size: 13px; }
summary { cursor: pointer; color: var(--accent); }
footer { text-align: center; color: var(--muted); font-size: 12px; padding: 12px; }
"""


@dataclass
class Section:
    """One part of the report: an anchor, a heading, and its HTML (or why it is missing)."""

    key: str
    title: str
    body: str
    available: bool = True

    def render(self) -> str:
        css = "" if self.available else ' class="unavailable"'
        status = "ok" if self.available else "unavailable"
        return f'<section id="{self.key}" data-status="{status}"{css}><h2>{esc(self.title)}</h2>{self.body}</section>'


def esc(value: object) -> str:
    return html.escape("" if value is None else str(value))


def note(text: str) -> str:
    return f'<p class="note">{esc(text)}</p>'


def unavailable(key: str, title: str, needs: Iterable[str], why: str) -> Section:
    """A section whose tables this warehouse lacks: it says so instead of drawing an empty chart."""
    tables = ", ".join(f"<code>{esc(n)}</code>" for n in needs)
    body = f'<p class="missing">Not available in this warehouse.</p><p class="note">{esc(why)} Needs: {tables}.</p>'
    return Section(key, title, body, available=False)


def figure(fig: go.Figure, chart_id: str) -> str:
    """A figure as a div + script that draws it once the font is ready; plotly.js itself is embedded
    once in the page head."""
    html = fig.to_html(full_html=False, include_plotlyjs=False, div_id=f"chart-{chart_id}", config=CHART_CONFIG)
    return _SCRIPT.sub(r"\1zhnewsFontReady.then(function () {\2});\3", html, count=1)


def _cell(value: object) -> str:
    if isinstance(value, bool) or value is None:
        return f"<td>{esc(value)}</td>"
    if isinstance(value, int | float):
        text = f"{value:.2f}" if isinstance(value, float) else str(value)
        return f'<td class="num">{text}</td>'
    if isinstance(value, dt.datetime):
        return f"<td>{value.strftime('%Y-%m-%d %H:%M')}</td>"
    if isinstance(value, str) and value.startswith("/"):
        return f'<td class="path">{esc(value)}</td>'
    return f"<td>{esc(value)}</td>"


def table(rows: Rows, table_id: str, headers: dict[str, str] | None = None) -> str:
    """An HTML table of query rows; `headers` renames columns."""
    names = headers or {}
    head = "".join(f"<th>{esc(names.get(c, c))}</th>" for c in rows.columns)
    body = "".join("<tr>" + "".join(_cell(v) for v in row) + "</tr>" for row in rows.rows)
    return f'<table id="table-{table_id}"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def cards(figures: list[tuple[str, object]]) -> str:
    items = "".join(f'<div class="card"><b>{esc(value)}</b><span>{esc(label)}</span></div>' for label, value in figures)
    return f'<div class="cards">{items}</div>'


FOOTER = (
    "<footer>Made by <code>zhnews report</code>. Charts: plotly.js (embedded); hover for values, drag to zoom,"
    " double-click to reset. Chinese text: Noto Sans CJK SC (SIL Open Font License 1.1), the characters shown"
    " embedded.</footer>"
)


# Charts measure their text as they are laid out: they wait for the embedded font (text measured in
# a fallback font overlaps once drawn in the real one). Without the Font Loading API they draw at once.
FONT_READY = f"""<script>
window.zhnewsFontReady = (document.fonts ? document.fonts.load("13px '{FONT_FAMILY}'", "中") : Promise.resolve())
  .catch(function () {{}});
</script>"""
_SCRIPT = re.compile(r"(<script[^>]*>)(.*?)(</script>)", re.S)


def page(title: str, subtitle: str, sections: list[Section]) -> str:
    """The whole document: styles, plotly.js and a CJK font subset of the characters shown inline, so the
    file opens offline and draws its Chinese on a machine without any CJK font."""
    toc = "".join(f'<a href="#{s.key}">{esc(s.title)}</a>' for s in sections)
    body = "\n".join(s.render() for s in sections)
    font = font_face_css(shown_characters(f"{esc(title)}{esc(subtitle)}{toc}{body}{FOOTER}"))
    return f"""<!DOCTYPE html>
<html lang="zh-Hans">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)}</title>
<style>{font}
{STYLE}</style>
<script type="text/javascript">{get_plotlyjs()}</script>
{FONT_READY}
</head>
<body>
<header><h1>{esc(title)}</h1><p>{esc(subtitle)}</p></header>
<nav>{toc}</nav>
<main>
{body}
</main>
{FOOTER}
</body>
</html>
"""
