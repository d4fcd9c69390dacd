"""Candidates for a page's title, date and outlet, each described by features. Pure: lines in, candidates out.

A `Page` is one article page as the layouts read it: its non-blank lines, where the article text
starts and ends (found by `main_text`, which is reliable on unseen sites), and what the layout rules
chose for the header. For each field, every plausible value is listed (`title_candidates`,
`date_candidates`, `outlet_candidates`) with features measured the same way on every page: where it
stands relative to the article text and the date lines, its length and shape, its neighbours, whether
the page repeats it, the labels before it. No feature names a site:
the only words are the profiles' data (labels, outlet endings, values that name no outlet).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from zhnews.transforms.cleaners.metadata_lines import byline_names, byline_outlet, metadata_pairs
from zhnews.transforms.layouts.base import is_boilerplate, looks_like_heading
from zhnews.transforms.layouts.main_text import is_paragraph
from zhnews.transforms.normalize.credits import explicit_credit, outlet_name
from zhnews.transforms.normalize.dates import find_datetimes
from zhnews.transforms.normalize.outlets import OutletResolver
from zhnews.transforms.normalize.text import alnum_only, canonical
from zhnews.transforms.profiles import Rulebook

# The rules' choice is a feature of this value, not 1: the rules were written on the annotated sites, so a model
# trained on those pages trusts them more than they deserve on other sites (pooled leave-one-site-out title / date
# 0.81 / 0.79 at 1.0, 0.83 / 0.85 at 0.1 or without; L2 regularisation keeps a small-valued feature's weight small),
# while they still settle what the pages teach nothing about.
RULES_CHOICE = 0.1
TITLE_ABOVE = 16  # non-blank lines above the article text searched for its headline (137 of 138 annotated)
LABELLED_TITLE_ABOVE = 40  # ... and further up, lines labelled as the title
TITLE_INTO_BODY = 2  # ... and first lines of the text (a headline the text run took in)
MAX_JOINED = 4  # a headline printed over up to this many lines is joined
MAX_TITLE_PART = 80  # ... each of them at most this long
MIN_TITLE_PART = 6  # ... and at least this long (menu items are shorter)
MAX_TITLE = 120
DATE_ABOVE = 25  # non-blank lines above the text searched for dates
DATE_AFTER = 15  # ... and after it
DATE_BODY_EDGE = 3  # first and last lines of the text searched too
MAX_DATE_LINE = 200
BODY_SAMPLE = 1500  # characters of the text whose words a headline is compared with
LEAD = 250  # ... and letters of its first lines
OUTLET_ABOVE = 30  # non-blank lines above the article text searched for credits
OUTLET_TOP = 6  # the page's first lines may be its logo
OUTLET_FOOTER = 40  # the page's last lines may carry its copyright and registration lines
MAX_NAME = 20
_SENTENCE_END = re.compile(r"[。！？!?…；;]$")
_CLAUSE = re.compile(r"[，,、；;]")
_HAN = re.compile(r"[\u4e00-\u9fff]")
_LATIN = re.compile(r"[A-Za-z]")
_DIGIT = re.compile(r"\d")
_BRACKET_START = re.compile(r"^[【\[〔（(《<]")
_BREADCRUMB = re.compile(r"[>»›→]|＞")
_BAR = re.compile(r"[|｜丨│┃]")
_LABEL_COLON = re.compile(r"^[^，。：:\s]{1,5}\s*[：:]")  # `作者：`, `分  类：`, `建立于:`
_LABEL_SPACE = re.compile(r"[：:]\s|^\S\s+\S[：:]")
_DEK = re.compile(r"^[—\-－]{1,2}")
_DECORATION = re.compile(r"(?:\s*[-—_=~·•]+\s*)+$")
_COUNTER = re.compile(r"[\d,]+\s*[)）]|[(（]\s*[\d,]+|\d+\s*(?:次|条|條|人|篇)")
_PERSON = re.compile(r"^[\u4e00-\u9fff]{2,3}$")
# `据新华社拉萨8月3日电`, `新华社北京电`, `（总台记者 张倩）`, `【看中国2005年07月03日报道】`: who filed the story.
_WIRE = re.compile(
    r"(?:^|[（(【\[])\s*据?(?P<name>[\u4e00-\u9fff]{2,6}?社)[\u4e00-\u9fff]{0,6}?(?:\d{1,2}月\d{1,2}日)?电"
)
_FILED = re.compile(
    r"[（(【\[]\s*(?P<name>[\u4e00-\u9fffA-Za-z]{2,10}?)\s*(?:(?:19|20)\d\d年\d{1,2}月\d{1,2}日|记者|記者|讯|訊|报道|報導)"
)
# `顶端新闻·河南商报记者 马俊峰`, `新华日报·交汇点记者 徐睿翔`: a reporter of outlets printed together (a paper and its app).
_JOINT_BYLINE = re.compile(
    r"(?:^|[\s（(【])(?P<names>[\u4e00-\u9fff]{2,8}(?:·[\u4e00-\u9fff]{2,8})+)(?:记者|記者|通讯员|通訊員)"
)
_SITE_LINE = re.compile(r"©|copyright|版权所有|版權所有|ICP|备案|All rights reserved", re.I)


@dataclass(frozen=True, slots=True)
class Page:
    """One article page: its non-blank lines, the article text's first and last line, the rules' reading."""

    lines: tuple[str, ...]
    body_start: int  # index into `lines` of the article text's first line
    body_end: int  # ... and of its last line
    rule_title: str | None = None
    rule_date: dt.datetime | None = None
    rule_outlet: str | None = None  # as the resolver names it
    named: dict[str, str] = field(default_factory=dict)  # names the layout read: account, site, masthead...
    reference: dt.datetime | None = None  # when the page was saved
    numbers: tuple[int, ...] = ()  # each line's number in the dump
    authors: frozenset[str] = frozenset()  # the people the layout read as the text's authors


@dataclass(slots=True)
class Candidate:
    """A value for one field, where the page shows it, and its features (name → number)."""

    field: str  # title | date | outlet
    text: str  # the value as shown (the title, the date's text, the outlet's name)
    at: int  # line index
    features: dict[str, float]
    value: dt.datetime | None = None  # a date candidate's reading
    span: int = 1  # lines a title candidate joins
    by_rules: bool = False  # the layout rules chose it (`zhnews explain`, `bench.loso`'s "rules alone")


def _bucket(name: str, value: float, edges: Sequence[float]) -> dict[str, float]:
    """A one-hot feature: which of the ranges `..edges[0]`, `..edges[1]`, ..., `edges[-1]..` holds `value`."""
    for edge in edges:
        if value <= edge:
            return {f"{name}<={edge:g}": 1.0}
    return {f"{name}>{edges[-1]:g}": 1.0}


def _bigrams(text: str) -> set[str]:
    text = alnum_only(text.lower())
    return {text[i : i + 2] for i in range(len(text) - 1)}


def _share_in(part: set[str], pieces: frozenset[str]) -> float:
    """The share of the two-character pieces of a candidate (`_bigrams`) that a text holds (its `_pieces`)."""
    return len(part & pieces) / len(part) if part else 0.0


def _pieces(letters: str) -> frozenset[str]:
    """Every two-character piece of a text's letters."""
    return frozenset(map(str.__add__, letters, letters[1:]))


class PageView:
    """What several features ask of a page, computed once: dated lines, the text's words, line counts."""

    def __init__(self, page: Page, rules: Rulebook):
        self.page = page
        self.rules = rules
        lines = page.lines
        self._dated_at: dict[int, bool] = {}
        self._dates_at: dict[int, list[tuple[dt.datetime, re.Match[str]]]] = {}
        self._metadata: dict[str, bool] = {}
        self.joined = "\n".join(lines)
        self.body_text = "\n".join(lines[page.body_start : page.body_end + 1])  # for names the text mentions
        body = alnum_only(self.body_text[:BODY_SAMPLE].lower())  # letters and digits only, lower case
        self.body, self.lead = _pieces(body), _pieces(body[:LEAD])  # their two-character pieces
        self.counts = Counter(lines)
        self.short = [len(text) <= 6 for text in lines]
        first = max(0, page.body_start - TITLE_ABOVE - 1)
        stop = min(len(lines), page.body_start + TITLE_INTO_BODY + 1)
        self.heading = {i: _heading(lines[i]) and not self.dated(i) for i in range(first, stop)}  # a date line is none

    def dates(self, at: int) -> list[tuple[dt.datetime, re.Match[str]]]:
        """Each date line `at` prints (`find_datetimes`, yearless ones read against the saving time), parsed once
        for the features of every field."""
        found = self._dates_at.get(at)
        if found is None:
            text = self.page.lines[at]
            dated = len(text) <= MAX_DATE_LINE and _MAY_BE_DATED.search(text)
            found = self._dates_at[at] = find_datetimes(text, self.page.reference or _ANY_TIME) if dated else []
        return found

    def _dated(self, at: int) -> bool:
        """A short line that prints a date (a date line), not prose that mentions one."""
        text = self.page.lines[at]
        return len(text) <= 80 and bool(self.dates(at)) and not is_paragraph(text)

    def neighbours_short(self, at: int, span: int) -> float:
        """The share of the lines around `at..at+span-1` (two each side) that are at most six characters: a menu."""
        around = [i for i in (at - 2, at - 1, at + span, at + span + 1) if 0 <= i < len(self.page.lines)]
        return sum(self.short[i] for i in around) / len(around) if around else 0.0

    def dated(self, at: int) -> bool:
        """Whether line `at` is a date line (asked of the lines near the article only, so computed when asked)."""
        found = self._dated_at.get(at)
        if found is None:
            found = self._dated_at[at] = self._dated(at)
        return found

    def dated_near(self, start: int, stop: int) -> bool:
        return any(self.dated(i) for i in range(max(0, start), min(len(self.page.lines), stop)))

    def metadata(self, text: str) -> bool:
        """Whether a line is a `label：value` line or a reporter credit."""
        found = self._metadata.get(text)
        if found is None:
            found = self._metadata[text] = metadata_pairs(text) is not None or byline_names(text) is not None
        return found

    def elsewhere(self, text: str) -> bool:
        """Whether the page prints this text inside another line too (a breadcrumb's end, a share text)."""
        return self.joined.count(text) > self.counts.get(text, 0)


_ANY_TIME = dt.datetime(2000, 6, 15, 12, tzinfo=dt.timezone(dt.timedelta(hours=8)))


# -- titles ------------------------------------------------------------------------------------------


def title_candidates(
    page: Page, rules: Rulebook, view: PageView | None = None, outlets: OutletResolver | None = None
) -> list[Candidate]:
    """Every line, or run of up to `MAX_JOINED` lines, above the text (and its first lines) that may be the headline."""
    view = view or PageView(page, rules)
    lines = page.lines
    first = max(0, page.body_start - TITLE_ABOVE)
    last = min(len(lines), page.body_start + TITLE_INTO_BODY)
    headings = [i for i in range(first, page.body_start) if view.heading[i]]
    nearest = {i: rank for rank, i in enumerate(reversed(headings))}
    longest = max(headings, key=lambda i: len(lines[i]), default=None)
    rule = canonical(page.rule_title)
    names = {canonical(name) for name in (page.rule_outlet, *page.named.values()) if name}
    found: dict[str, Candidate] = {}
    # a line labelled as the title (`主题：…`) further up: a forum's or a register's header block above the text
    labelled = [
        i for i in range(max(0, page.body_start - LABELLED_TITLE_ABOVE), first) if _title_label(lines[i], rules)
    ]
    for at in (*labelled, *range(first, last)):
        for span in range(1, MAX_JOINED + 1 if at >= first else 2):
            if at + span > last or (span > 1 and not _joinable(lines[at : at + span], view, at)):
                break
            joined = _join(lines[at : at + span])
            for text, how in _title_variants(joined, rules):
                key = canonical(text)
                if not key or len(text) > MAX_TITLE or key in found or _never_a_headline(text):
                    continue
                features = _title_features(text, at, span, page, view, rules)
                features["names_outlet"] = float(outlets is not None and outlets.is_listed(text))
                features["read_as_name"] = float(key in names)  # the layout read it as an account, site or outlet
                features[f"variant:{how}"] = 1.0
                features["rule"] = RULES_CHOICE * (key == rule)
                features.update(_bucket("nearest_heading", nearest.get(at + span - 1, 9), (0, 1, 2, 4)))
                features["longest_heading"] = float(at == longest and span == 1)
                found[key] = Candidate("title", text, at, features, span=span, by_rules=key == rule)
    return list(found.values())


_LETTER = re.compile(r"[\u4e00-\u9fffA-Za-z]")
_CRUMB_MARK = re.compile(r"[>»›→＞]+")
_SPACED_LABEL = re.compile(r"(?:^|\s)[^\s：:]{1,5}[：:]")  # `出版社：` after a space or at the start
MIN_HEADLINE_LETTERS = 2


def _never_a_headline(text: str) -> bool:
    """Shapes no headline has, on any site: fewer than two letters (`22 59`, a counter, a time), a colon at
    its end (a label: `本站永久域名:`), three or more cells apart by bars (a menu row: `首页|艺术快讯|当代艺术`),
    a breadcrumb of three or more steps (`首页>>人物聚焦>>2005人物`), two or more labels apart by spaces
    (`连载：… 出版社：… 作者：…`), a dek (`——当代中国的精神危机`: the line under a headline; the two joined
    are still offered).
    Seen on one site each, a feature for them is learnt from that site alone, so leaving that site out
    unlearns it: they are not offered."""
    if len(_LETTER.findall(text)) < MIN_HEADLINE_LETTERS or _DEK.match(text) or text.endswith(("：", ":")):
        return True
    if len([cell for cell in _BAR.split(text) if cell.strip()]) >= 3:
        return True
    return len(_CRUMB_MARK.findall(text)) >= 2 or len(_SPACED_LABEL.findall(text)) >= 2


def _heading(text: str) -> bool:
    return looks_like_heading(text, max_chars=MAX_TITLE_PART * 2) and len(text) >= 2


def _joinable(parts: Sequence[str], view: PageView, at: int) -> bool:
    """Lines that may make one headline: each heading-shaped, no date line or metadata among them."""
    return all(
        MIN_TITLE_PART <= len(text) <= MAX_TITLE_PART
        and not _SENTENCE_END.search(text)
        and not view.dated(at + n)
        and not view.metadata(text)
        for n, text in enumerate(parts)
    )


def _link_row(text: str) -> bool:
    """Several labels of at most five characters apart by spaces: a row of links (`首页 新闻 图片 视频`)."""
    parts = text.split()
    return len(parts) >= 3 and all(len(p) <= 5 for p in parts)


def _join(parts: Sequence[str]) -> str:
    """Lines of one headline joined: with a space between Latin words, else directly."""
    text = parts[0]
    for part in parts[1:]:
        text += (" " if _LATIN.search(text[-1:]) and _LATIN.search(part[:1]) else "") + part
    return text


def _title_label(text: str, rules: Rulebook) -> str | None:
    """What follows a title label (`主题：…`, `标      题：…`: spaced to align a form), else None."""
    label, sep, rest = text.partition("：") if "：" in text else text.partition(":")
    if not sep or "".join(label.split()) not in rules.title_labels:
        return None
    return rest.strip() or None


def _title_variants(text: str, rules: Rulebook) -> Iterator[tuple[str, str]]:
    """The line as printed, and without a label before it (`主题：…`) or a decoration after it (`… - -`)."""
    yield text, "as_printed"
    labelled = _title_label(text, rules)
    if labelled:
        yield labelled, "label_cut"
    undecorated = _DECORATION.sub("", text)
    if undecorated != text and len(undecorated) >= 2:
        yield undecorated, "decoration_cut"


def _title_features(text: str, at: int, span: int, page: Page, view: PageView, rules: Rulebook) -> dict[str, float]:
    """Where the candidate stands on this page, plus the shape of its text (`_text_shape`)."""
    lines = page.lines
    end = at + span - 1
    grams = _bigrams(text)
    features = dict(_text_shape(text, rules))
    features.update(
        {
            "above_text": float(end < page.body_start),
            "in_text": float(at >= page.body_start),
            # the text's first lines may be its headline: where the text starts is found a line early or late
            "opens_text": float(page.body_start <= at <= page.body_start + 1 and not is_paragraph(text)),
            "first_line": float(at == 0),
            "dek_below": float(end + 1 < len(lines) and bool(_DEK.match(lines[end + 1]))),
            "dek_joined": float(span > 1 and any(_DEK.match(part) for part in lines[at + 1 : end + 1])),
            "heading_below": float(end + 1 < page.body_start and view.heading.get(end + 1, False)),
            "stacked_over_date": float(view.heading.get(end + 1, False) and view.dated_near(end + 2, end + 3)),
            "heading_above": float(at > 0 and view.heading.get(at - 1, False)),
            "date_inside": float(view.dated(at) if span == 1 else False),
            "date_below": float(view.dated_near(end + 1, end + 4)),
            "date_right_below": float(view.dated_near(end + 1, end + 2)),
            "date_above": float(view.dated_near(at - 3, at)),
            "menu_around": view.neighbours_short(at, span),
            "repeated": float(span == 1 and view.counts.get(text, 0) > 1),
            "in_other_line": float(len(text) >= 6 and view.elsewhere(text)),
            "lead_overlap": _share_in(grams, view.lead),
            "text_overlap": _share_in(grams, view.body),
            "joined": float(span - 1),
            "relative_top": at / max(1, page.body_start),
            "headings_between": min(sum(view.heading.get(i, False) for i in range(end + 1, page.body_start)), 5) / 5,
        }
    )
    if span > 1:
        features["boilerplate"] = float(any(is_boilerplate(lines[i], rules) for i in range(at, end + 1)))
    features.update(_bucket("gap_to_text", page.body_start - end - 1, (-1, 0, 1, 2, 4, 8, 16)))
    return {name: value for name, value in features.items() if value}


@lru_cache(maxsize=65536)  # menus, footers and bylines recur across a site's pages
def _text_shape(text: str, rules: Rulebook) -> dict[str, float]:
    """Features of a candidate's text alone: length, punctuation, digits, marks of menus and labels."""
    length = len(text)
    features = {
        "bias": 1.0,
        "sentence_end": float(bool(_SENTENCE_END.search(text))),
        "clauses": min(len(_CLAUSE.findall(text)), 3) / 3,
        "digit_share": len(_DIGIT.findall(text)) / length,
        "latin_share": len(_LATIN.findall(text)) / length,
        "han_share": len(_HAN.findall(text)) / length,
        "bracket_start": float(bool(_BRACKET_START.match(text))),
        "breadcrumb": float(bool(_BREADCRUMB.search(text))),
        "bar": float(bool(_BAR.search(text))),
        "slash": float("/" in text or "／" in text),
        "label_colon": float(bool(_LABEL_COLON.match(text))),
        "label_space": float(bool(_LABEL_SPACE.search(text))),
        "link_row": float(_link_row(text)),
        "dek": float(bool(_DEK.match(text))),
        "counter": float(bool(_COUNTER.search(text))),
        "spaces": min(text.count(" "), 4) / 4,
        "boilerplate": float(is_boilerplate(text, rules)),
        "metadata": float(metadata_pairs(text) is not None or byline_names(text) is not None),
        "paragraph": float(is_paragraph(text)),
        "heading_shape": float(looks_like_heading(text, max_chars=MAX_TITLE)),
        "widget_word": float(text in rules.not_names or text in rules.uncredited or text in rules.places),
        "follow_button": float(any(p.search(text) for p in rules.account_before)),
        "outlet_sized": float(length <= 6),
    }
    features.update(_bucket("length", length, (4, 7, 11, 18, 30, 50)))
    return features


def _feed_start(page: Page, rules: Rulebook, reach: int) -> int:
    """Where the lines after the text stop being the article's, looking `reach` lines past it: at the first
    footer marker or content end (`相关阅读`, `热门资讯`, a comment section), whose feed of other stories
    carries their dates and credits."""
    stop = min(len(page.lines), page.body_end + 1 + reach)
    for at in range(page.body_end + 1, stop):
        text = page.lines[at]
        if text in rules.footer_markers or any(p.search(text) for p in rules.content_end):
            return at
    return stop


# -- dates -------------------------------------------------------------------------------------------


def date_candidates(page: Page, rules: Rulebook, view: PageView | None = None) -> list[Candidate]:
    """Every date the page prints around the article text (above it, on its edges, below it), with its reading."""
    view = view or PageView(page, rules)
    lines = page.lines
    indexes = [
        *range(max(0, page.body_start - DATE_ABOVE), min(page.body_start + DATE_BODY_EDGE, page.body_end + 1)),
        *range(max(page.body_start + DATE_BODY_EDGE, page.body_end + 1 - DATE_BODY_EDGE), page.body_end + 1),
        *range(page.body_end + 1, _feed_start(page, rules, DATE_AFTER)),
    ]
    found: list[Candidate] = []
    for at in dict.fromkeys(indexes):
        text = lines[at]
        if len(text) > MAX_DATE_LINE:
            continue
        dates = view.dates(at) if page.reference is not None else _dates_in(text, None)  # no year to guess
        for when, match in dates:
            by_rules = page.rule_date is not None and when == page.rule_date
            found.append(Candidate("date", match.group(0).strip(), at, {}, when, by_rules=by_rules))
    if not found:
        return []
    values = sorted({c.value for c in found if c.value})
    for candidate in found:
        features = _date_features(candidate, found, values, page, view, rules)
        candidate.features = {name: value for name, value in features.items() if value}
    return found


_YEAR = re.compile(r"(?:19|20)\d\d|\d\d年|/\d\d\b")
_WEEKDAY = re.compile(
    r"星期[一二三四五六日天]|周[一二三四五六日]|礼拜[一二三四五六日天]|\b(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*\b"
)
_MAY_BE_DATED = re.compile(r"[\d今昨前]")  # every date shape has a digit, but for 今天 / 昨天 / 前天


def _dates_in(text: str, reference: dt.datetime | None) -> list[tuple[dt.datetime, re.Match[str]]]:
    """Each date in a line, in the order printed."""
    return find_datetimes(text, reference) if _MAY_BE_DATED.search(text) else []


def _date_features(
    candidate: Candidate,
    every: list[Candidate],
    values: list[dt.datetime],
    page: Page,
    view: PageView,
    rules: Rulebook,
) -> dict[str, float]:
    at, when, line = candidate.at, candidate.value, page.lines[candidate.at]
    assert when is not None
    before = line[: line.find(candidate.text)] if candidate.text in line else ""
    reference = page.reference
    other = any(label in before[-12:] for label in rules.other_date_labels)  # `成文日期：`, `最后更新:`
    features = {
        "bias": 1.0,
        "above_text": float(at < page.body_start),
        "text_head": float(page.body_start <= at < page.body_start + DATE_BODY_EDGE),
        "text_tail": float(page.body_start + DATE_BODY_EDGE <= at <= page.body_end),
        "after_text": float(at > page.body_end),
        "rule": RULES_CHOICE * candidate.by_rules,
        "has_time": float(when.hour != 0 or when.minute != 0),
        "has_seconds": float(when.second != 0),
        "shows_year": float(bool(_YEAR.search(candidate.text))),  # else its year is guessed from the saving time
        "weekday": float(bool(_WEEKDAY.search(line))),  # `11月26日 星期三`: a page header's today, not the article's
        "date_line": float(view.dated(at)),
        "span_share": len(candidate.text) / max(1, len(line)),
        "paragraph": float(is_paragraph(line)),
        "labelled": float(not other and any(label in before[-12:] for label in rules.date_labels)),
        "other_labelled": float(other),
        "boilerplate": float(is_boilerplate(line, rules)),
        "site_line": float(bool(_SITE_LINE.search(line))),
        "latest": float(when == values[-1]),
        "earliest": float(when == values[0]),
        "same_day_elsewhere": float(sum(c.value and c.value.date() == when.date() for c in every) > 1),
        "first_on_page": float(candidate is every[0]),
        "first_above_text": float(at < page.body_start and not any(c.at < at for c in every if c.at < page.body_start)),
        "first_after_text": float(at > page.body_end and not any(page.body_end < c.at < at for c in every)),
        "near_rule_title": float(_near_title(page, at)),
    }
    features.update(
        _bucket("gap_to_text", page.body_start - at - 1 if at < page.body_start else -1, (-1, 0, 2, 5, 10, 20))
    )
    if reference is not None:
        days = (reference - when).total_seconds() / 86400
        features["future"] = float(days < -1)
        features.update(_bucket("age_days", days, (-1, 1, 7, 60, 400, 3000)))
    else:
        features["no_reference"] = 1.0
    return features


def _near_title(page: Page, at: int) -> bool:
    """Whether the line is within three lines below (or above) the headline the rules chose."""
    if not page.rule_title:
        return False
    title = canonical(page.rule_title)
    return any(
        canonical(page.lines[i]) and canonical(page.lines[i]) in title
        for i in range(max(0, at - 3), min(len(page.lines), at + 2))
        if i != at
    )


# -- outlets -----------------------------------------------------------------------------------------


def outlet_candidates(
    page: Page, rules: Rulebook, outlets: OutletResolver, view: PageView | None = None
) -> list[Candidate]:
    """Every name the page gives for who published the text, merged by outlet, with how and where it was given.

    Besides the credits the rules read (a `来源` value, a reporter's outlet, a wire dateline), every
    name-shaped part of the lines that usually carry one is a candidate: the lines around the date
    lines above the text, the page's first lines (logo, window title, a breadcrumb's first step), the
    lines closing the text and the footer; features say where it stood and what stood beside it.
    """
    view = view or PageView(page, rules)
    lines = page.lines
    merged: dict[str, Candidate] = {}

    def add(raw: str | None, at: int, how: str, context: dict[str, float] | None = None) -> None:
        if not raw:
            return
        name, _ = outlets.resolve(_without_aside(raw))
        if not name or len(name) > MAX_NAME * 2 or name in rules.uncredited or name in rules.not_names:
            return  # the profiles say it names no outlet (`转载`, `原创`, a role badge)
        if name.startswith(rules.button_verbs) or _MARKUP.search(name):
            return  # a button's label (`点击此处收藏本文`), or markup left in the copy (`size="20`)
        key = canonical(name)
        if not key:
            return
        candidate = merged.get(key)
        if candidate is None:
            candidate = merged[key] = Candidate("outlet", name, at, {"bias": 1.0})
        candidate.by_rules = candidate.by_rules or how == "rule"
        features = candidate.features
        features[f"how:{how}"] = 1.0
        for feature, value in (context or {}).items():
            features[feature] = max(features.get(feature, 0.0), value)
        features["mentions"] = features.get("mentions", 0.0) + 1.0

    def _add_filed(text: str, at: int, where: str) -> None:
        """Who filed the story: a wire dateline, a bracketed report tag, a reporter of outlets printed together."""
        for match in (_WIRE.search(text), _FILED.search(text)):
            if match:
                add(outlet_name(match["name"], rules), at, f"filed_{where}")
        joint = _JOINT_BYLINE.search(text)
        for name in joint["names"].split("·") if joint else ():
            add(name, at, f"byline_{where}")

    if page.rule_outlet:
        add(page.rule_outlet, page.body_start, "rule")
    for how, name in page.named.items():
        add(name, page.body_start, how)
    header = range(max(0, page.body_start - OUTLET_ABOVE), page.body_start)
    closing = range(max(page.body_start, page.body_end - 2), _feed_start(page, rules, 8))
    for span, where in ((header, "header"), (closing, "closing")):
        for at in span:
            text = lines[at]
            add(explicit_credit(text, rules), at, f"credit_{where}")
            add(byline_outlet(text), at, f"byline_{where}")
            for name in (byline_names(text) or "").split():  # `文｜财新 刘晓彤`: a listed outlet among the names
                if outlets.is_listed(name):
                    add(name, at, f"byline_{where}")
            _add_filed(text, at, where)
    for at in range(page.body_start, min(page.body_end + 1, page.body_start + 2)):
        _add_filed(lines[at], at, "text")
    dated = [at for at in header if len(lines[at]) <= 120 and view.dates(at)]
    regions = [
        (range(min(OUTLET_TOP, page.body_start)), "top"),
        (sorted({i for at in dated for i in range(at - 1, at + 2) if 0 <= i < page.body_start}), "date_lines"),
        (closing, "closing"),
        (range(max(page.body_end + 1, len(lines) - OUTLET_FOOTER), len(lines)), "footer"),
    ]
    for span, where in regions:
        for at in span:
            if where == "footer" and not _SITE_LINE.search(lines[at]):
                continue
            for name, context in _name_parts(lines[at], rules):
                add(name, at, f"part_{where}", context)
    for candidate in merged.values():
        candidate.features.update(_outlet_features(candidate, view, rules, outlets))
        candidate.features = {name: value for name, value in candidate.features.items() if value}
    return list(merged.values())


_MARKUP = re.compile(r"[=\"<>{}]")
# What follows a name in brackets: its abbreviation or a note (`关注中国中心（CCC）`, `周思博 (Joel Spolsky)`), also
# when the line's split cut the closing bracket off.
_ASIDE = re.compile(r"\s*[（(][^（()）]*[)）]?\s*$")


def _without_aside(raw: str) -> str:
    """A name without its edges' punctuation and without an aside in brackets after it."""
    name = raw.strip().strip(_EDGE)
    cut = _ASIDE.sub("", name)
    return cut.strip(_EDGE) if len(cut) >= 2 else name


_EDGE = " \t()（）【】[]「」<>《》〖〗,，。;；、:：\"'“”"
_PART_SPLIT = re.compile(r"\s+[-–—_|｜丨│]\s+|[\t|｜丨│>»›→]+|\s{2,}|\u3000+")
_BRACKETED = re.compile(r"[《〖【\[]\s*([^》〗】\]]{2,20}?)\s*[》〗】\]]")
_LABEL_BEFORE = re.compile(r"([\u4e00-\u9fff]{1,6})\s*[：:]\s*$")
_NAME_SHAPE = re.compile(r"^[\u4e00-\u9fffA-Za-z][\u4e00-\u9fffA-Za-z0-9 ·.&（）()—-]{1,24}$")
MAX_PARTS = 12


@lru_cache(maxsize=65536)
def _name_parts(text: str, rules: Rulebook) -> tuple[tuple[str, dict[str, float]], ...]:
    """`_parts_of` a line, remembered (a site's logo, menu and footer lines recur on every page)."""
    return tuple(_parts_of(text, rules))


def _parts_of(text: str, rules: Rulebook) -> Iterator[tuple[str, dict[str, float]]]:
    """The name-shaped parts of a line (apart by bars, breadcrumb marks, wide spaces, or in brackets), each
    with what stood beside it: a label before it (and whether that label names a source), brackets, its rank."""
    if len(text) > 160:
        return
    seen = 0
    for match in _BRACKETED.finditer(text):
        yield match.group(1).strip(), {"bracketed": 1.0, **_label_context(text[: match.start()], rules)}
    crumbs = bool(_BREADCRUMB.search(text))
    offset = 0
    for rank, raw in enumerate(_PART_SPLIT.split(text)):
        start = text.find(raw, offset)
        offset = max(offset, start + len(raw))
        for part in _subparts(raw):
            if seen >= MAX_PARTS:
                return
            if not _NAME_SHAPE.match(part) or _DIGIT.search(part[:1]) or is_boilerplate(part, rules):
                continue
            seen += 1
            context = {"first_part": float(rank == 0), "whole_line": float(part == text)}
            if crumbs:
                context["breadcrumb_first" if rank == 0 else "breadcrumb_part"] = 1.0
            context.update(_label_context(text[: max(0, start)] + raw[: raw.find(part)], rules))
            yield part, context


def _subparts(raw: str) -> Iterator[str]:
    """A part, and what follows a label inside it (`来源：人民网` → 人民网, `出版社：团结出版社` → 团结出版社)."""
    raw = raw.strip().strip(_EDGE)
    if not raw:
        return
    _, sep, value = raw.rpartition("：") if "：" in raw else raw.rpartition(":")
    if sep:
        value = value.strip().strip(_EDGE)
        if value:
            yield value
        return
    yield raw


def _label_context(before: str, rules: Rulebook) -> dict[str, float]:
    match = _LABEL_BEFORE.search(before)
    if not match:
        return {}
    label = match.group(1)
    source_label = label.endswith(rules.source_labels)
    return {
        "after_label": 1.0,
        "after_source_label": float(source_label),
        "label_outlet_ending": float(label.endswith(rules.outlet_suffixes)),
    }


def _outlet_features(
    candidate: Candidate, view: PageView, rules: Rulebook, outlets: OutletResolver
) -> dict[str, float]:
    name = candidate.text
    mentions = candidate.features.pop("mentions", 1.0)  # a count, which the model sees on a log scale
    features = {
        "listed": float(outlets.is_listed(name)),
        "outlet_ending": float(name.endswith(rules.outlet_suffixes)),
        "person_shaped": float(bool(_PERSON.match(name)) and not outlets.is_listed(name)),
        "uncredited": float(name in rules.uncredited or name in rules.not_names),
        "latin_only": float(not _HAN.search(name)),
        "has_digit": float(bool(_DIGIT.search(name))),
        "mentions_many": math.log1p(mentions - 1),
        "in_text": float(name in view.body_text),
        "the_author": float(canonical(name) in view.page.authors),
    }
    features.update(_bucket("name_length", len(name), (2, 3, 4, 6, 9, 14)))
    return features
