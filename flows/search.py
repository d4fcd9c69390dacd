"""Ranked full-text search over the warehouse: the query is segmented like the documents, then BM25."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import asdict, dataclass

import duckdb
from zhnews.transforms.normalize.dates import BEIJING
from zhnews.transforms.segment import Segmenter
from zhnews.warehouse import TIMEZONE

SNIPPET_CHARS = 120


@dataclass(slots=True)
class Hit:
    """One search result."""

    doc_id: str
    title: str | None
    source: str | None
    published_at: str | None  # ISO 8601, Beijing time
    score: float
    matched_terms: list[str]
    snippet: str

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def of_row(cls, row: tuple, score: float, highlight: list[str]) -> Hit:
        """A hit from a `(doc_id, title, source, published_at, score, matched terms, body)` row: its snippet shows
        `highlight` in the body."""
        doc_id, title, outlet, published, _, matched, body = row
        return cls(doc_id, title, outlet, _beijing_iso(published), score, list(matched), snippet(body or "", highlight))


def query_terms(segmenter: Segmenter, query: str) -> list[str]:
    """The terms of a query, cut with the same dictionary and rules as the documents."""
    return list(dict.fromkeys(segmenter.terms(query)))


def with_synonyms(terms: list[str], synonyms: dict[str, tuple[str, ...]]) -> list[str]:
    """Each term as a concept for `zh_search`: its synonyms joined by `|` (`日美同盟|美日同盟`)."""
    return list(dict.fromkeys("|".join(synonyms.get(t, (t,))) for t in terms))


def search(
    con: duckdb.DuckDBPyConnection,
    terms: list[str],
    limit: int = 10,
    source: str | None = None,
    since: dt.date | None = None,
) -> list[Hit]:
    """Documents ranked by BM25 (the `zh_search` macro), best first, optionally filtered.

    `terms` are query terms or concepts (synonyms joined by `|`, see `with_synonyms`).
    """
    if not terms:
        return []
    rows = con.execute(
        f"""SELECT d.doc_id, d.title, d.source, d.published_at, z.score, z.terms, d.body
           FROM zh_search(?::VARCHAR[]) z JOIN documents d USING (doc_id)
           WHERE (?::VARCHAR IS NULL OR d.source = ? OR d.source_raw = ?)
             AND (?::DATE IS NULL OR timezone('{TIMEZONE}', d.published_at) >= ?::DATE)
           ORDER BY z.score DESC, d.published_at DESC NULLS LAST, d.doc_id
           LIMIT ?""",
        [terms, source, source, source, since, since, limit],
    ).fetchall()
    words = [w for concept in terms for w in concept.split("|")]
    return [Hit.of_row(row, round(float(row[4]), 4), words) for row in rows]


def snippet(body: str, terms: list[str], width: int = SNIPPET_CHARS) -> str:
    """About `width` characters of the body around the first occurrence of a query term."""
    flat = re.sub(r"\s+", " ", body).strip()
    pattern = _terms_pattern(terms)
    found = pattern.search(flat) if pattern else None
    start = max(0, (found.start() if found else 0) - width // 3)
    text = flat[start : start + width]
    return ("…" if start else "") + text + ("…" if start + width < len(flat) else "")


def highlight_spans(text: str, terms: list[str]) -> list[tuple[int, int]]:
    """(start, end) of every occurrence of a query term in `text`, case-insensitive."""
    pattern = _terms_pattern(terms)
    return [(m.start(), m.end()) for m in pattern.finditer(text)] if pattern else []


def _terms_pattern(terms: list[str]) -> re.Pattern[str] | None:
    if not terms:
        return None
    alternatives = sorted({t for t in terms if t}, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, alternatives)), re.IGNORECASE)


def _beijing_iso(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(BEIJING).isoformat()
