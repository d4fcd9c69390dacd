"""Plotly figures for the report, built from query rows (plain lists: no data frame needed)."""

from __future__ import annotations

from collections import defaultdict

import plotly.graph_objects as go
from plotly.colors import qualitative
from zhnews.reports.fonts import FONT_FAMILY
from zhnews.reports.queries import Rows

COLORS = qualitative.Dark24  # 24 distinct colours: outlets and rule families often outnumber plotly's default 10
FONT = f"'{FONT_FAMILY}', 'Noto Sans CJK SC', 'Source Han Sans SC', 'PingFang SC', 'Microsoft YaHei', 'Helvetica Neue', sans-serif"


def _layout(fig: go.Figure, title: str, height: int = 420, **axes: object) -> go.Figure:
    fig.update_layout(
        title={"text": title, "x": 0, "xanchor": "left"},
        template="plotly_white",
        colorway=COLORS,
        font={"family": FONT, "size": 13},
        height=height,
        margin={"l": 10, "r": 10, "t": 50, "b": 10},
        legend={"orientation": "h", "yanchor": "top", "y": -0.12, "x": 0},
        **axes,
    )
    fig.update_xaxes(automargin=True)
    fig.update_yaxes(automargin=True)
    return fig


def _grouped(rows: Rows, key: str, x: str, y: str) -> dict[str, tuple[list, list]]:
    """{key value: ([x], [y])}, in first-seen order of the key."""
    series: dict[str, tuple[list, list]] = {}
    for k, xv, yv in zip(rows.column(key), rows.column(x), rows.column(y), strict=True):
        xs, ys = series.setdefault(str(k), ([], []))
        xs.append(xv)
        ys.append(yv)
    return series


def documents_per_period(rows: Rows, unit: str) -> go.Figure:
    """Stacked bars: documents per publication day (or week), one colour per outlet."""
    fig = go.Figure()
    for outlet, (days, counts) in _grouped(rows, "outlet", "day", "documents").items():
        fig.add_bar(x=[d.isoformat() for d in days], y=counts, name=outlet)
    title = f"Documents per {unit} by outlet"
    return _layout(fig, title, barmode="stack", xaxis={"type": "date"}, yaxis_title="documents")


def removed_by_rule(rows: Rows) -> go.Figure:
    """Horizontal bars: lines removed by each rule, largest on top."""
    rules, lines = rows.column("rule")[::-1], rows.column("lines")[::-1]
    fig = go.Figure(go.Bar(x=lines, y=rules, orientation="h", text=lines, textposition="outside"))
    height = max(260, 60 + 24 * len(rules))
    return _layout(fig, "Lines removed by rule", height=height, xaxis_title="lines")


def removed_by_site(rows: Rows) -> go.Figure:
    """Stacked horizontal bars: lines removed per site, one colour per rule family."""
    sites = list(dict.fromkeys(rows.column("site")))[::-1]
    by_family: dict[str, dict[str, int]] = defaultdict(dict)
    for site, family, lines in rows.rows:
        by_family[family][site] = lines
    fig = go.Figure()
    for family, counts in by_family.items():
        fig.add_bar(x=[counts.get(s, 0) for s in sites], y=sites, name=family, orientation="h")
    height = max(260, 120 + 28 * len(sites))
    fig = _layout(fig, "Lines removed per site, by rule family", height=height, barmode="stack", xaxis_title="lines")
    return fig.update_layout(legend={"orientation": "v", "y": 1, "yanchor": "top", "x": 1.01, "xanchor": "left"})


def files_by(rows: Rows, what: str) -> go.Figure:
    """Bars: files per layout (or encoding), split by status."""
    fig = go.Figure()
    values = list(dict.fromkeys(rows.column("value")))
    for status, (xs, counts) in _grouped(rows, "status", "value", "files").items():
        by_value = dict(zip(xs, counts, strict=True))
        fig.add_bar(x=values, y=[by_value.get(v, 0) for v in values], name=status)
    return _layout(fig, f"Files per {what}", height=360, barmode="stack", yaxis_title="files")


def term_trends(rows: Rows) -> go.Figure:
    """Heatmap: for the leading terms, the documents using them each week."""
    terms = list(dict.fromkeys(rows.column("term")))
    weeks = sorted(set(rows.column("week")))
    cells = {(t, w): n for w, t, n in rows.rows}
    z = [[cells.get((t, w), 0) for w in weeks] for t in terms]
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=[w.isoformat() for w in weeks],
            y=terms,
            colorscale="Blues",
            colorbar={"title": {"text": "documents"}},
            hovertemplate="week of %{x}<br>%{y}: %{z} documents<extra></extra>",
        )
    )
    height = max(320, 110 + 26 * len(terms))
    return _layout(
        fig,
        "Top terms per week (documents using the term)",
        height=height,
        yaxis={"autorange": "reversed"},
        xaxis={"type": "category", "title": "week starting"},
    )


def story_sizes(rows: Rows) -> go.Figure:
    """Bars: documents per near-duplicate story, with its title."""
    titles = [f"{i}. {(t or '(untitled)')[:28]}" for i, t in enumerate(rows.column("title"), 1)][::-1]
    sizes = rows.column("documents")[::-1]
    fig = go.Figure(go.Bar(x=sizes, y=titles, orientation="h", text=sizes, textposition="outside"))
    height = max(260, 80 + 26 * len(titles))
    return _layout(fig, "Near-duplicate stories: documents per story", height=height, xaxis_title="documents")
