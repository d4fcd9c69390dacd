"""Publication times as timezone-aware datetimes.

Dumps show local (Beijing, UTC+8) wall-clock times in a handful of shapes:
`2025-12-02 21:32(:06)`, `2025/12/02 21:32`, `2025.12.02`, `2025年12月2日 21:32`, and,
given a reference date for the year, `12月2日 21:32`.
"""

from __future__ import annotations

import datetime as dt
import re

BEIJING = dt.timezone(dt.timedelta(hours=8), "Asia/Shanghai")

_TIME = r"(?:\s*(?P<H>\d{1,2})[:：](?P<M>\d{2})(?:[:：](?P<S>\d{2}))?)?"
_WEEKDAY = r"(?:\s*(?:星期|周)[一二三四五六日天])?"
_FULL_DATE = re.compile(
    r"(?P<y>(?:19|20)\d{2})\s*(?:[-/.]|年)\s*(?P<m>\d{1,2})\s*(?:[-/.]|月)\s*(?P<d>\d{1,2})\s*日?" + _WEEKDAY + _TIME
)
_MONTH_DAY = re.compile(r"(?<!\d)(?P<m>\d{1,2})月(?P<d>\d{1,2})日" + _WEEKDAY + _TIME)


def _build(y: int, m: int, d: int, match: re.Match[str]) -> dt.datetime | None:
    hour, minute, second = (int(match.group(k)) if match.group(k) else 0 for k in ("H", "M", "S"))
    try:
        return dt.datetime(y, m, d, hour, minute, second, tzinfo=BEIJING)
    except ValueError:
        return None


def find_datetime(text: str, reference: dt.date | None = None) -> tuple[dt.datetime, re.Match[str]] | None:
    """The first date (with optional time) in `text`, and the match that found it.

    A month-day date without a year is read in `reference`'s year, or not at all without one.
    """
    match = _FULL_DATE.search(text)
    if match:
        value = _build(int(match["y"]), int(match["m"]), int(match["d"]), match)
        if value:
            return value, match
    if reference is not None:
        match = _MONTH_DAY.search(text)
        if match:
            value = _build(reference.year, int(match["m"]), int(match["d"]), match)
            if value:
                return value, match
    return None


def parse_datetime(text: str, reference: dt.date | None = None) -> dt.datetime | None:
    """`text` as a datetime when the whole string is a date (surrounding spaces allowed), else None."""
    found = find_datetime(text, reference)
    if found and found[1].group(0).strip() == text.strip():
        return found[0]
    return None
