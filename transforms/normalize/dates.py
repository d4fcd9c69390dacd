"""Publication times as timezone-aware datetimes.

Dumps show local (Beijing, UTC+8) wall-clock times in a handful of shapes:
`2025-12-02 21:32(:06)`, `2025/12/02 21:32`, `2025.12.02`, `2025年12月2日 21:32`, and,
given a reference (the time the page was saved: the file's modification time), `12月2日 21:32`
(in the reference's year, or the year before when that would lie in the future) and the relative
stamps of listings and feeds: `3小时前`, `45分钟前`, `1天前`, `昨天 16:20`, `前天`, and forum stamps
`11-25 21:36` (month-day with a time, as Xueqiu and Guba print this year's posts; glued `10-0812:00` when a
page prints the two in separate spans, as Baidu's 百家号), a two-digit year with a time (`18-03-0823:16`), and a bare
month-day after a publication label (`编辑于 11-23`, 小红书). A weekday may follow the date, bracketed
or not (`2025年11月25日(星期二) 14:32`). Minutes and hours
ago need the reference's time of day; the result is cut to the minute.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

BEIJING = dt.timezone(dt.timedelta(hours=8), "Asia/Shanghai")

# a 12-hour clock may carry its half of the day: `下午2:32` (Yahoo奇摩), `上午 9:05`, `晚上8:10`
_TIME = r"(?:\s*(?P<half>上午|下午|早上|中午|晚上|凌晨)?\s*(?P<H>\d{1,2})[:：](?P<M>\d{2})(?:[:：](?P<S>\d{2}))?)?"
_AFTERNOON = frozenset({"下午", "晚上"})
# a weekday after the date, bare or bracketed: `2025年11月26日 星期三`, `2025年11月25日(星期二) 14:32`
_WEEKDAY = r"(?:\s*[(（]?(?:星期|周|週|禮拜|礼拜)[一二三四五六日天][)）]?)?"
_FULL_DATE = re.compile(
    r"(?P<y>(?:19|20)\d{2})\s*(?:[-/.]|年)\s*(?P<m>\d{1,2})\s*(?:[-/.]|月)\s*(?P<d>\d{1,2})\s*日?" + _WEEKDAY + _TIME
)
_MONTH_DAY = re.compile(r"(?<!\d)(?P<m>\d{1,2})月(?P<d>\d{1,2})日" + _WEEKDAY + _TIME)
# `11-25 21:36`: month-day only with a time, so ranges and scores (`3-1`, `10-15`) are not dates. Pages that
# print date and time in two spans lose the space when copied (`10-0812:00`, Baidu): glued, both the month-day
# and the hour have two digits.
_NUMERIC_MONTH_DAY = re.compile(
    r"(?<![\d\-/.])(?P<m>1[0-2]|0?[1-9])-(?P<d>3[01]|[12]\d|0?[1-9])(?:\s+|(?<=\d\d-\d\d)(?=\d\d[:：]))"
    r"(?P<H>\d{1,2})[:：](?P<M>\d{2})(?:[:：](?P<S>\d{2}))?(?!\d)"
)
# `18-03-0823:16`, `18-03-08 23:16`: a two-digit year (this century) only with month, day and a time.
_SHORT_YEAR_DATE = re.compile(
    r"(?<![\d\-/.])(?P<yy>\d{2})-(?P<m>1[0-2]|0[1-9])-(?P<d>3[01]|[12]\d|0[1-9])(?:\s+|(?=\d\d[:：]))"
    r"(?P<H>[01]?\d|2[0-3])[:：](?P<M>[0-5]\d)(?:[:：](?P<S>\d{2}))?(?!\d)"
)
# `编辑于 11-23`: a bare month-day only after a publication label (self-media notes print this year's so)
_LABELLED_MONTH_DAY = re.compile(
    r"(?:发布于|發布於|發佈於|编辑于|編輯於|发表于|發表於)\s*(?P<m>1[0-2]|0?[1-9])-(?P<d>3[01]|[12]\d|0?[1-9])(?![\d\-/.:])"
)
_AGO = re.compile(r"(?<!\d)(?P<n>\d{1,3})\s*(?P<unit>分钟|分鐘|小时|小時|天|日)前")
_DAY_WORD = re.compile(r"(?P<word>今天|昨天|前天)" + _TIME)
_DAYS_BACK = {"今天": 0, "昨天": 1, "前天": 2}
FUTURE_SLACK = dt.timedelta(days=1)  # a month-day date this far past the reference is still this year's


def _build(y: int, m: int, d: int, match: re.Match[str]) -> dt.datetime | None:
    parts = match.groupdict()  # a month-day without a time has no H/M/S groups
    hour, minute, second = (int(parts[k]) if parts.get(k) else 0 for k in ("H", "M", "S"))
    if (parts.get("half") in _AFTERNOON and hour < 12) or (parts.get("half") == "中午" and hour < 11):
        hour += 12  # `下午2:32` is 14:32; `中午12:10` stays
    try:
        return dt.datetime(y, m, d, hour, minute, second, tzinfo=BEIJING)
    except ValueError:
        return None


def find_datetime(text: str, reference: dt.date | None = None) -> tuple[dt.datetime, re.Match[str]] | None:
    """The first date (with optional time) in `text`, and the match that found it.

    A date without a year (`12月2日`) or relative to the saving time (`3小时前`, `昨天`) is read
    against `reference` (a date, or a datetime for hours and minutes ago), or not at all without one.
    """
    match = _FULL_DATE.search(text)
    if match:
        value = _build(int(match["y"]), int(match["m"]), int(match["d"]), match)
        if value:
            return value, match
    match = _SHORT_YEAR_DATE.search(text) if "-" in text else None
    if match:
        value = _build(2000 + int(match["yy"]), int(match["m"]), int(match["d"]), match)
        if value:
            return value, match
    if reference is None:
        return None
    match = _MONTH_DAY.search(text) or (
        (_NUMERIC_MONTH_DAY.search(text) or _LABELLED_MONTH_DAY.search(text)) if "-" in text else None
    )
    if match:
        value = _build(reference.year, int(match["m"]), int(match["d"]), match)
        if value and value.date() > _day_of(reference) + FUTURE_SLACK:  # a page shows no future date
            value = _build(reference.year - 1, int(match["m"]), int(match["d"]), match)
        if value:
            return value, match
    return _relative(text, reference)


def _day_of(reference: dt.date) -> dt.date:
    return reference.date() if isinstance(reference, dt.datetime) else reference


def _relative(text: str, reference: dt.date) -> tuple[dt.datetime, re.Match[str]] | None:
    """`3小时前`, `45分钟前`, `1天前`, `昨天 16:20` read back from the reference."""
    day = _day_of(reference)
    match = _AGO.search(text)
    if match:
        n, unit = int(match["n"]), match["unit"]
        if unit in ("天", "日"):
            return dt.datetime.combine(day - dt.timedelta(days=n), dt.time(), BEIJING), match
        if not isinstance(reference, dt.datetime):
            return None  # hours ago of an unknown time of day
        step = dt.timedelta(minutes=n) if unit in ("分钟", "分鐘") else dt.timedelta(hours=n)
        when = reference.astimezone(BEIJING) if reference.tzinfo else reference.replace(tzinfo=BEIJING)
        return (when - step).replace(second=0, microsecond=0), match
    match = _DAY_WORD.search(text)
    if match:
        back = day - dt.timedelta(days=_DAYS_BACK[match["word"]])
        return _build(back.year, back.month, back.day, match), match
    return None


def parse_datetime(text: str, reference: dt.date | None = None) -> dt.datetime | None:
    """`text` as a datetime when the whole string is a date (surrounding spaces allowed), else None."""
    found = find_datetime(text, reference)
    if found and found[1].group(0).strip() == text.strip():
        return found[0]
    return None


@lru_cache(maxsize=4096)  # listing layouts ask about the same meta lines when scoring and splitting
def date_shape(text: str) -> str | None:
    """`full` when the whole text is a date with its year, `yearless` when it is a date read against
    the saving time (`11月18日`, `3小时前`, `昨天 16:20`), else None."""
    stripped = text.strip()
    if parse_datetime(stripped):
        return "full"
    if any(p.fullmatch(stripped) for p in (_MONTH_DAY, _NUMERIC_MONTH_DAY, _LABELLED_MONTH_DAY, _AGO, _DAY_WORD)):
        return "yearless"
    return None
