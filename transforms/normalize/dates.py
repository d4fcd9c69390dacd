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

Pages of Western software and sites print day, month and year in other orders:
`7/5/2005 9:23:57 PM`, `06/02/2022 - 13:48`, `10.09.2005`, `09:02:51 5/23/06` (a two-digit year only
beside a time), and English dates, `Saturday, September 10th, 2005 10:56 am`, `Sep 10, 2005`,
`10 September 2005`. A 12-hour clock reads its `AM`/`PM` (`上午`/`下午` likewise) in every shape.
A numeric date whose first two parts could both be the month (both at most 12) is read:
1. as the one reading not later than the reference, when the other would lie in the future;
2. (`find_datetimes`) as the text's other numeric dates are printed, when those that can be read one
   way only (a part above 12) all agree: a page that prints `13/02/2022` reads `06/02/2022` day-first;
3. as the later reading when it lies within `FRESH` of the reference (a page is saved soon after it is
   printed; a date long before says little about which reading is meant);
4. else by the shape: month-first with an `AM`/`PM` clock or a two-digit year (`M/D/YYYY h:mm:ss AM`,
   `M/D/YY`: what US-locale server software prints), day-first otherwise (`06/02/2022 - 13:48`, the
   order of most of the world).
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache

BEIJING = dt.timezone(dt.timedelta(hours=8), "Asia/Shanghai")

# `AM`/`PM` after a clock: `9:23:57 PM`, `10:56 am`, `7:32 p.m.` (not `PM2.5`)
_AM_PM = r"(?:\s*(?P<ampm>[AaPp]\.?\s?[Mm]\.?)(?![A-Za-z\d]))?"
# a 12-hour clock may carry its half of the day: `下午2:32` (Yahoo奇摩), `上午 9:05`, `晚上8:10`
_TIME = (
    r"(?:\s*(?P<half>上午|下午|早上|中午|晚上|凌晨)?\s*(?P<H>\d{1,2})[:：](?P<M>\d{2})(?:[:：](?P<S>\d{2}))?"
    + _AM_PM
    + ")?"
)
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

# Western shapes. A clock after the date, maybe after ` - `, `,` or `at`: `06/02/2022 - 13:48`,
# `September 19th, 2005 at 7:32 pm`.
_CLOCK = r"(?:\s*(?:[-–,@]|at)?\s*(?P<H>\d{1,2})[:：](?P<M>\d{2})(?:[:：](?P<S>\d{2}))?(?!\d)" + _AM_PM + ")?"
# `7/5/2005`, `06/02/2022`, `10.09.2005`, `10-09-2005`: day and month in either order, then a four-digit year
_NUMERIC_DATE = re.compile(
    r"(?<![A-Za-z\d/.\-])(?P<a>\d{1,2})(?P<sep>[/.\-])(?P<b>\d{1,2})(?P=sep)(?P<y>(?:19|20)\d{2})(?!\d|(?P=sep)\d)"
    + _CLOCK
)
# `5/23/06 09:02`, `09:02:51 5/23/06` (forum reply trees): a two-digit year only beside a time (checked in code)
_SLASH_SHORT_YEAR = re.compile(
    r"(?:(?<![\d:])(?P<H0>[01]?\d|2[0-3]):(?P<M0>[0-5]\d)(?::(?P<S0>[0-5]\d))?\s+)?"
    r"(?<![\d/])(?P<a>\d{1,2})/(?P<b>\d{1,2})/(?P<yy>\d{2})(?![\d/])" + _CLOCK
)
_MONTH_NAMES = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_MONTH_NAME = r"(?P<mon>" + "|".join(sorted(_MONTH_NAMES, key=len, reverse=True)) + r")(?![a-z])\.?"
_EN_WEEKDAY = r"(?:(?:(?:sun|mon|tues|wednes|thurs|fri|satur)day|sun|mon|tue|wed|thu|fri|sat)(?![a-z])\.?,?\s*)?"
_EN_DAY = r"(?P<d>\d{1,2})(?:st|nd|rd|th)?(?![\d])"
_EN_YEAR = r"(?:\s*,\s*|[\s\-]+)(?P<y>(?:19|20)\d{2})(?!\d)"
# `Saturday, September 10th, 2005 10:56 am`, `Sep 10, 2005`, `Sep-10-2005`
_ENGLISH_MONTH_FIRST = re.compile(
    r"(?<![a-z])" + _EN_WEEKDAY + _MONTH_NAME + r"[\s\-]+" + _EN_DAY + _EN_YEAR + _CLOCK, re.IGNORECASE
)
# `10 September 2005`, `Saturday, 10th of September, 2005`, `10-Sep-2005`
_ENGLISH_DAY_FIRST = re.compile(
    r"(?<![a-z])" + _EN_WEEKDAY + r"(?<!\d)" + _EN_DAY + r"(?:\s+of)?[\s\-]+" + _MONTH_NAME + _EN_YEAR + _CLOCK,
    re.IGNORECASE,
)
_YEAR = re.compile(r"(?:19|20)\d\d")
_MONTH_WORD = re.compile(r"(?<![a-z])(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)", re.IGNORECASE)
# What every shape above needs somewhere (a four-digit year, `5月`, `8-25` or `8/25`, `3小时前`, `昨天`): text
# without any of it holds no date, and most lines of a page are answered by this one search.
_MAY_HOLD_DATE = re.compile(r"(?:19|20)\d\d|\d月|\d[-/]\d|[今昨前]天|\d\s*(?:分[钟鐘]|小[时時]|天|日)前")
FRESH = dt.timedelta(days=31)  # a numeric date read as the later of its readings when it lies this close


def _clock(match: re.Match[str]) -> tuple[int, int, int]:
    """Hour, minute and second of the match's time (midnight without one), on a 24-hour clock."""
    parts = match.groupdict()  # a month-day without a time has no H/M/S groups
    keys = ("H", "M", "S") if parts.get("H") or not parts.get("H0") else ("H0", "M0", "S0")
    hour, minute, second = (int(parts[k]) if parts.get(k) else 0 for k in keys)
    half, ampm = parts.get("half"), (parts.get("ampm") or "")[:1].lower()
    if (half in _AFTERNOON or ampm == "p") and hour < 12:
        hour += 12  # `下午2:32`, `9:23:57 PM`
    elif half == "中午" and hour < 11:
        hour += 12  # `中午12:10` stays
    elif ampm == "a" and hour == 12:
        hour = 0  # `12:05 AM`
    return hour, minute, second


def _build(y: int, m: int, d: int, match: re.Match[str]) -> dt.datetime | None:
    try:
        return dt.datetime(y, m, d, *_clock(match), tzinfo=BEIJING)
    except ValueError:
        return None


def _numeric(match: re.Match[str], reference: dt.date | None, month_first: bool | None = None) -> dt.datetime | None:
    """A numeric Western date, its day and month read as the module's docstring says; `month_first` is
    the order the rest of the text shows, if it shows one."""
    parts = match.groupdict()
    if parts.get("yy"):
        if not (parts.get("H") or parts.get("H0")):
            return None  # `1/2/03` without a time: a fraction or a code, not a date
        year = 2000 + int(parts["yy"])
    else:
        year = int(parts["y"])
    a, b = int(parts["a"]), int(parts["b"])
    as_month_first, as_day_first = _build(year, a, b, match), _build(year, b, a, match)
    if as_month_first is None or as_day_first is None or a == b:
        return as_month_first or as_day_first
    if reference is not None:
        last_day = _day_of(reference) + FUTURE_SLACK
        past = [v for v in (as_month_first, as_day_first) if v.date() <= last_day]
        if len(past) == 1:
            return past[0]
    if month_first is not None:
        return as_month_first if month_first else as_day_first
    if reference is not None and past and _day_of(reference) - max(past).date() <= FRESH:
        return max(past)
    return as_month_first if parts.get("ampm") or parts.get("yy") else as_day_first


def _english(match: re.Match[str]) -> dt.datetime | None:
    return _build(int(match["y"]), _MONTH_NAMES[match["mon"].lower()], int(match["d"]), match)


def _western(text: str, reference: dt.date | None) -> tuple[dt.datetime, re.Match[str]] | None:
    """The first numeric or English date of the Western shapes in `text`."""
    found = []
    for pattern in _western_patterns(text):
        for match in pattern.finditer(text):
            value = _english(match) if "mon" in pattern.groupindex else _numeric(match, reference)
            if value:
                found.append((value, match))
                break
    return min(found, key=lambda f: f[1].start()) if found else None


def _western_patterns(text: str) -> list[re.Pattern[str]]:
    """The Western shapes `text` may hold, by cheap tests (most lines of a Chinese page hold none)."""
    patterns = []
    has_year = _YEAR.search(text) is not None
    if has_year and ("/" in text or "." in text or "-" in text):
        patterns.append(_NUMERIC_DATE)
    if "/" in text and ":" in text:
        patterns.append(_SLASH_SHORT_YEAR)
    if has_year and _MONTH_WORD.search(text):
        patterns += (_ENGLISH_MONTH_FIRST, _ENGLISH_DAY_FIRST)
    return patterns


def find_datetime(text: str, reference: dt.date | None = None) -> tuple[dt.datetime, re.Match[str]] | None:
    """The first date (with optional time) in `text`, and the match that found it.

    A date without a year (`12月2日`) or relative to the saving time (`3小时前`, `昨天`) is read
    against `reference` (a date, or a datetime for hours and minutes ago), or not at all without one.
    Shapes are tried in turn (year-month-day, two-digit year, Western, yearless, relative): the first
    shape found wins, wherever it is in the text.
    """
    if not _MAY_HOLD_DATE.search(text):
        return None
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
    found = _western(text, reference)
    if found:
        return found
    if reference is None:
        return None
    match = _MONTH_DAY.search(text) or (
        (_NUMERIC_MONTH_DAY.search(text) or _LABELLED_MONTH_DAY.search(text)) if "-" in text else None
    )
    if match:
        value = _this_years(match, reference)
        if value:
            return value, match
    return _relative(text, reference)


def _this_years(match: re.Match[str], reference: dt.date) -> dt.datetime | None:
    """A month-day in the reference's year, or the year before when that would lie in the future."""
    value = _build(reference.year, int(match["m"]), int(match["d"]), match)
    if value and value.date() > _day_of(reference) + FUTURE_SLACK:  # a page shows no future date
        value = _build(reference.year - 1, int(match["m"]), int(match["d"]), match)
    return value


def _day_of(reference: dt.date) -> dt.date:
    return reference.date() if isinstance(reference, dt.datetime) else reference


def _ago(match: re.Match[str], reference: dt.date) -> dt.datetime | None:
    """`3小时前`, `45分钟前`, `1天前` read back from the reference (hours and minutes need its time of day)."""
    n, unit = int(match["n"]), match["unit"]
    if unit in ("天", "日"):
        return dt.datetime.combine(_day_of(reference) - dt.timedelta(days=n), dt.time(), BEIJING)
    if not isinstance(reference, dt.datetime):
        return None  # hours ago of an unknown time of day
    step = dt.timedelta(minutes=n) if unit in ("分钟", "分鐘") else dt.timedelta(hours=n)
    when = reference.astimezone(BEIJING) if reference.tzinfo else reference.replace(tzinfo=BEIJING)
    return (when - step).replace(second=0, microsecond=0)


def _day_word(match: re.Match[str], reference: dt.date) -> dt.datetime | None:
    """`昨天 16:20`, `前天`: that day before the reference."""
    back = _day_of(reference) - dt.timedelta(days=_DAYS_BACK[match["word"]])
    return _build(back.year, back.month, back.day, match)


def _relative(text: str, reference: dt.date) -> tuple[dt.datetime, re.Match[str]] | None:
    """`3小时前`, `45分钟前`, `1天前`, `昨天 16:20` read back from the reference."""
    match = _AGO.search(text)
    if match:
        value = _ago(match, reference)
        return (value, match) if value else None
    match = _DAY_WORD.search(text)
    if match:
        return _day_word(match, reference), match
    return None


def may_hold_date(text: str) -> bool:
    """Whether `text` has what every date shape needs (False: `find_datetime(s)` find nothing there)."""
    return _MAY_HOLD_DATE.search(text) is not None


def find_datetimes(text: str, reference: dt.date | None = None) -> list[tuple[dt.datetime, re.Match[str]]]:
    """Every date in `text` (a line or a whole page), in the order printed, each with its match.

    Shapes as `find_datetime` reads them; where two matches overlap, the one that starts first (then
    the longer) is kept. Ambiguous numeric dates (`06/02/2022`) follow the order the text's other
    numeric dates show when they show one. Without `reference`, yearless and relative dates are left out.
    """
    if not _MAY_HOLD_DATE.search(text):
        return []
    full = [(m, lambda m: _build(int(m["y"]), int(m["m"]), int(m["d"]), m)) for m in _FULL_DATE.finditer(text)]
    short = [
        (m, lambda m: _build(2000 + int(m["yy"]), int(m["m"]), int(m["d"]), m)) for m in _SHORT_YEAR_DATE.finditer(text)
    ]
    western = [m for pattern in _western_patterns(text) for m in pattern.finditer(text)]
    numeric = [m for m in western if "mon" not in m.re.groupindex]
    order = _numeric_order(numeric)
    candidates = [*full, *short, *((m, lambda m: _numeric(m, reference, order)) for m in numeric)]
    candidates += [(m, _english) for m in western if "mon" in m.re.groupindex]
    weakest = []  # a bare month-day after a label (`发布于11-25`) yields to a fuller date overlapping it (`11-25 21:36`)
    if reference is not None:
        for pattern in (_MONTH_DAY, _NUMERIC_MONTH_DAY):
            candidates += [(m, lambda m: _this_years(m, reference)) for m in pattern.finditer(text)]
        weakest = [(m, lambda m: _this_years(m, reference)) for m in _LABELLED_MONTH_DAY.finditer(text)]
        candidates += [(m, lambda m: _ago(m, reference)) for m in _AGO.finditer(text)]
        candidates += [(m, lambda m: _day_word(m, reference)) for m in _DAY_WORD.finditer(text)]
    found: list[tuple[dt.datetime, re.Match[str]]] = []
    for group in (candidates, weakest):
        for match, read in sorted(group, key=lambda c: (c[0].start(), -c[0].end())):
            if any(match.start() < kept.end() and kept.start() < match.end() for _, kept in found):
                continue  # inside or across a date already taken
            value = read(match)
            if value:
                found.append((value, match))
    return sorted(found, key=lambda f: f[1].start())


def _numeric_order(matches: list[re.Match[str]]) -> bool | None:
    """True (month first) or False (day first) when the numeric dates that can be read one way only
    all read that way, else None."""
    orders = {int(m["b"]) > 12 for m in matches if (int(m["a"]) > 12) != (int(m["b"]) > 12)}
    return orders.pop() if len(orders) == 1 else None


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
