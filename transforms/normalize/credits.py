"""The outlet an article credits, read from the lines around it (pure: lines in, a name out).

By precedence (the annotation convention of the real-page sets):
1. an explicit credit: `来源：新京报`, `来源CSDN` as one part of a `|`-separated line, `本文来源：…`, first in the
   header, else among the lines that close the body or follow it (`来源：无锡交警`); a credit that names no
   outlet (`来源：网络`, `信息来源于网络`) is skipped, and one that joins an outlet and its channel keeps the
   outlet (`人民网-文化频道` → 人民网);
2. the outlet on the byline or the date line: a reporter credit's outlet (`澎湃新闻记者 贺梨萍`), a listed outlet
   alone or among a byline's names (`新华社`, `文｜财新 刘晓彤`), the part after a person's name and a slash
   (`石佳/中国青年报`), a name after the date (`2019-05-17 · 苏皖城市报道`, `2019-09-05 11:10 游民星空[整理]`);
3. the self-media account: the name above a follow button (`健康科普君` over `+关注`), else a name line
   between the title and the date line (`加拿大必读`), or the last name before the date (`原创 kingname 未闻Code
   前天`); else the account the caller found elsewhere on the page (an account card above the title);
4. the site's own name, as the caller knows it (a profile, the masthead, the copyright footer).

A credit inside the body (`（来源：梨视频）` under a video, `图片来源：…`) credits a picture, not the article:
only the body's closing lines are read. Text glued to a date without a space (`10-0812:00优质原创作者`) is a
badge or the account's company, not a name. Vocabulary (values naming no outlet, channel words, badges and
widgets) is the profiles' `[credits]` data; labels are `metadata_lines.LABELS`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from zhnews.transforms.cleaners.metadata_lines import LABELS, byline_names, byline_outlet, split_glued_label
from zhnews.transforms.normalize.dates import BEIJING, find_datetime
from zhnews.transforms.normalize.outlets import OutletResolver
from zhnews.transforms.profiles import Rulebook

MAX_CREDIT_LINE = 100  # a line longer than this is prose, whatever it mentions
MAX_DATE_LINE = 60
CLOSING_LINES = 3  # non-blank lines at the end of the body, and after it, read for a closing credit
BYLINE_REACH = 3  # without a date line, this many non-blank lines under the title may be a byline
FOLLOW_REACH = 2  # lines above a follow button searched for the account's name
_SOURCE_LABEL = "|".join(sorted((re.escape(k) for k, f in LABELS.items() if f == "source"), key=len, reverse=True))
# A label not glued after a word: `图片来源：`, `资料来源：` credit a picture or the facts, not the article.
_LABELLED = re.compile(
    rf"(?<![\u4e00-\u9fffA-Za-z])(?:{_SOURCE_LABEL})(?:于|於|自)?\s*[:：]\s*(?P<name>[^\s|丨｜【\[（(]{{2,30}})"
)
_UNLABELLED = re.compile(rf"^(?:{_SOURCE_LABEL})(?:于|於|自)?(?P<name>[^\s:：|丨｜]{{2,20}})$")  # `来源CSDN`
_STARTS_WITH_LABEL = re.compile(rf"^[（(【\[]?\s*(?:{_SOURCE_LABEL})")
_PARTS = re.compile(r"\s*[|丨｜]\s*")
_JOINER = re.compile(r"\s*[-－—–·・]\s*")
_SLASH = re.compile(r"\s*[/／]\s*")
_EDGE = "()（）【】[]「」<>《》,，。;；、 "
_NAME = re.compile(r"^[\u4e00-\u9fffA-Za-z0-9_]{2,12}$")
_PERSON = re.compile(r"^[\u4e00-\u9fff]{2,3}$")  # an unlisted name this short is a person's, not an outlet's
_DIGITS = re.compile(r"^[\d\s]+$")
_AFTER_DATE = re.compile(r"^[\s·・|丨｜/／,，]+")  # what sets a name apart from the date before it
_SEPARATORS = re.compile(r"[\s·・|丨｜/／,，]+")
_BRACKET_CUT = re.compile(r"[\[【(（<《].*$")
# Any saving time lets a date read against one (`昨天`, `10-0812:00`) mark the date line; only its place matters.
_ANY_SAVING_TIME = dt.datetime(2000, 6, 15, 12, tzinfo=BEIJING)


@dataclass(frozen=True, slots=True)
class Credit:
    """The outlet credited, and how it was found: `credit`, `byline`, `account` or `site`."""

    outlet: str
    how: str


def credited_outlet(
    header: Sequence[str],
    body: Sequence[str],
    after: Sequence[str] = (),
    *,
    rules: Rulebook,
    outlets: OutletResolver,
    account: str | None = None,
    site: str | None = None,
) -> Credit | None:
    """The outlet an article credits, by the precedence of the module docstring.

    `header` runs from the title line (first) to the line before the body; `body` is the article's
    lines; `after` the lines right after it (a closing `本文来源：…`); `account` a self-media account the
    caller read elsewhere (an account card above the title); `site` the site's own name, the last
    resort. The name is returned as printed (resolve it with `OutletResolver.resolve`).
    """
    lines = [t for t in (line.strip() for line in header[1:]) if t]
    for text in lines:
        name = explicit_credit(text, rules)
        if name:
            return Credit(name, "credit")
    closing = [t for t in (line.strip() for line in body) if t][-CLOSING_LINES:]
    closing += [t for t in (line.strip() for line in after) if t][:CLOSING_LINES]
    for text in closing:
        if _STARTS_WITH_LABEL.match(text):
            name = explicit_credit(text, rules)
            if name:
                return Credit(name, "credit")
    date_at = next((i for i, text in enumerate(lines) if _date_in(text)), None)
    bylines = lines[:date_at] if date_at is not None else lines[:BYLINE_REACH]
    found = _followed_accounts(lines, rules)
    for text in bylines:
        found.extend(_byline_credits(text, rules, outlets))
    if date_at is not None:
        found.extend(_dateline_credits(lines[date_at], rules, outlets))
    if account:
        found.append(Credit(account, "account"))
    for how in ("byline", "account"):
        credit = next((c for c in found if c.how == how), None)
        if credit:
            return credit
    return Credit(site, "site") if site else None


def explicit_credit(text: str, rules: Rulebook) -> str | None:
    """The outlet a `来源` credit on this line names (`来源：人民网-文化频道` → 人民网, `… | 来源CSDN | …` → CSDN),
    else None (no credit, or one naming no outlet)."""
    stripped = text.strip()
    if len(stripped) > MAX_CREDIT_LINE:
        return None
    for part in _PARTS.split(stripped):
        match = _LABELLED.search(part) or _UNLABELLED.match(part.strip(_EDGE))
        if match:
            return outlet_name(match["name"], rules)
    return None


def outlet_name(raw: str, rules: Rulebook) -> str | None:
    """A credited name cleaned: a label glued after it cut (`证券时报网作者：李在山`), a channel after the
    outlet dropped (`澎湃新闻·澎湃号·政务` → 澎湃新闻); None when it names no outlet (`网络`, `本站原创`)."""
    name = split_glued_label(raw.strip())[0].strip(_EDGE)
    parts = [p for p in _JOINER.split(name) if p]
    if len(parts) > 1 and any(p.endswith(rules.channel_words) for p in parts[1:]):  # `人民网－人民日报` stays
        name = parts[0]
    if len(name) < 2 or name in rules.uncredited or name in rules.not_names:
        return None
    return name


def _date_in(text: str) -> re.Match[str] | None:
    """Where a short non-prose line prints a date (a date line), else None."""
    if len(text) > MAX_DATE_LINE or "。" in text:
        return None
    found = find_datetime(text, _ANY_SAVING_TIME)
    return found[1] if found else None


def _followed_accounts(lines: list[str], rules: Rulebook) -> list[Credit]:
    """The account a follow button names: the nearest name line above it (`头条文章` `健康科普君` `+关注`)."""
    for at, text in enumerate(lines):
        if any(p.search(text) for p in rules.account_before):
            names = [t for t in lines[max(0, at - FOLLOW_REACH) : at] if _as_name(t, rules) == t]
            return [Credit(names[-1], "account")] if names else []
    return []


def _as_name(token: str, rules: Rulebook) -> str | None:
    token = _BRACKET_CUT.sub("", token).strip(_EDGE)
    if not _NAME.match(token) or _DIGITS.match(token) or token in rules.not_names or token in rules.places:
        return None
    return token


def _named(name: str, outlets: OutletResolver) -> list[Credit]:
    """A name beside a byline or a date: a listed outlet, else an account unless it is a person's."""
    if outlets.is_listed(name):
        return [Credit(name, "byline")]
    return [] if _PERSON.match(name) else [Credit(name, "account")]


def _byline_credits(text: str, rules: Rulebook, outlets: OutletResolver) -> list[Credit]:
    """What a line between the title and the date line credits."""
    outlet = byline_outlet(text)
    if outlet:
        return [Credit(outlet, "byline")]  # `澎湃新闻记者 贺梨萍`
    names = byline_names(text)
    if names:  # `文｜财新 刘晓彤`: a listed outlet among the names
        return [Credit(n, "byline") for n in names.split() if outlets.is_listed(n)]
    parts = _SLASH.split(text)
    if len(parts) == 2 and all(_as_name(p, rules) for p in parts):  # `石佳/中国青年报`
        listed = [p for p in parts if outlets.is_listed(p)]
        if listed:
            return [Credit(listed[0], "byline")]
        return [Credit(parts[1], "byline")] if _PERSON.match(parts[0]) else []
    name = _as_name(text, rules)
    return _named(name, outlets) if name and name == text.strip() else []


def _dateline_credits(text: str, rules: Rulebook, outlets: OutletResolver) -> list[Credit]:
    """Names on the date line: after the date, when set apart from it (`2019-05-17 · 苏皖城市报道`), then the
    last one before it (`原创 kingname 未闻Code 前天`)."""
    match = _date_in(text)
    found: list[Credit] = []
    after = text[match.end() :]
    set_apart = match.group(0)[-1:].isspace() or _AFTER_DATE.match(after)
    rest = _AFTER_DATE.sub("", after, count=1).strip()
    if rest and set_apart:
        name = _as_name(_SEPARATORS.split(rest)[0], rules)
        if name:
            found.extend(Credit(c.outlet, "byline") for c in _named(name, outlets))
    before = [t for t in (_as_name(t, rules) for t in text[: match.start()].split()) if t]
    if before:
        found.extend(_named(before[-1], outlets))
    return found
