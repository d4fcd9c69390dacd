"""Reading one article page's header: build the page, list and score the candidates, keep the best of each field."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from zhnews.transforms.header.candidates import (
    Candidate,
    Page,
    PageView,
    date_candidates,
    outlet_candidates,
    title_candidates,
)
from zhnews.transforms.header.model import FIELDS, HeaderModel
from zhnews.transforms.layouts.main_text import is_paragraph
from zhnews.transforms.model import Line
from zhnews.transforms.normalize.outlets import OutletResolver
from zhnews.transforms.normalize.text import canonical
from zhnews.transforms.profiles import Rulebook

# Fields a page names outside its credit lines, offered to the outlet scorer under their own name.
NAMED_FIELDS = ("account", "site", "masthead", "site_credit", "byline_outlet", "outlet", "outlet_before", "source")
# A kept line that is no paragraph, this many removed lines above the rest of the text, is a stray (a sidebar's
# slogan the layout kept): the article text starts below it.
STRAY_GAP = 5


@dataclass(slots=True)
class HeaderReading:
    """The candidates of each field, best first, with their probabilities."""

    page: Page
    ranked: dict[str, list[tuple[float, Candidate]]] = field(default_factory=dict)
    model: HeaderModel | None = None  # what ranked them (None: the candidates in page order)
    ruled: frozenset[str] = frozenset()  # fields a site profile reads itself (its own date-line format)

    def best(self, name: str) -> Candidate | None:
        """The best candidate of a field; for the outlet, the best one the page vouches for (`vouched`), else None.
        None for a field a site profile reads itself (the rules' reading stands)."""
        if name in self.ruled:
            return None
        ranked = [candidate for _, candidate in self.ranked.get(name, ())]
        if name == "outlet":
            return first_credited_outlet(ranked, self.best("title"))
        return ranked[0] if ranked else None


# How an outlet candidate was found that makes it a credit, not just a name on the page.
_CREDITED_BY = ("how:credit_", "how:byline_", "how:filed_")  # + where: header, closing, text
# a name before a date (`outlet_before`) is often the author: it is credited only as a listed outlet
_READ_AS = frozenset({"how:rule", *(f"how:{name}" for name in NAMED_FIELDS if name != "outlet_before")})
_CREDIT_CONTEXT = ("listed", "after_label", "breadcrumb_first", "bracketed")


def vouched(candidate: Candidate) -> bool:
    """Whether the page credits an outlet candidate: a credit line, byline, wire dateline or account named
    it, the rules or the layout read it, it is a listed outlet, or it follows a label, opens a breadcrumb or
    stands in brackets. A bare name among the page's lines (a menu item, a headline) is not enough: the
    reader then names no outlet rather than a wrong one (only a few annotated pages credit none, too
    few to learn that choice)."""
    features = candidate.features
    return any(f in _READ_AS or f.startswith(_CREDITED_BY) for f in features) or any(
        features.get(f) for f in _CREDIT_CONTEXT
    )


def first_credited_outlet(ranked: Sequence[Candidate], title: Candidate | None) -> Candidate | None:
    """The first outlet candidate the page vouches for that is not its headline (a line the rules or a
    layout read as a name, `某市发布冬季供暖方案` above a date, may be the headline itself)."""
    headline = canonical(title.text) if title is not None else None
    return next((c for c in ranked if vouched(c) and canonical(c.text) != headline), None)


def page_of(
    lines: Sequence[Line],
    body: Sequence[Line],
    fields: dict[str, str],
    *,
    rule_title: str | None,
    rule_date: dt.datetime | None,
    rule_outlet: str | None,
    reference: dt.datetime | None,
) -> Page | None:
    """The page a draft came from: the dump's non-blank lines, where the draft's body lies among them
    (None when the draft has no body)."""
    kept = {line.no for line in body if line.text.strip()}
    if not kept:
        return None
    texts, numbers, start, end = [], [], None, 0
    for line in lines:
        text = line.text.strip()
        if not text:
            continue
        if line.no in kept:
            start = len(texts) if start is None else start
            end = len(texts)
        texts.append(text)
        numbers.append(line.no)
    if start is None:
        return None
    start = _past_strays(texts, [n in kept for n in numbers], start)
    named = {name: fields[name] for name in NAMED_FIELDS if fields.get(name)}
    authors = frozenset(canonical(name) for name in fields.get("author", "").split())
    return Page(tuple(texts), start, end, rule_title, rule_date, rule_outlet, named, reference, tuple(numbers), authors)


def _past_strays(texts: Sequence[str], kept: Sequence[bool], start: int) -> int:
    """Where the text starts once its leading stray lines are passed over: a kept line that is no paragraph,
    with at least `STRAY_GAP` removed lines between it and the next kept one."""
    while not is_paragraph(texts[start]):
        following = next((i for i in range(start + 1, len(texts)) if kept[i]), None)
        if following is None or following - start - 1 < STRAY_GAP:
            break
        start = following
    return start


def read_header(page: Page, rules: Rulebook, outlets: OutletResolver, model: HeaderModel | None) -> HeaderReading:
    """Every candidate of the page's title, date and outlet, ranked by `model` (unranked, in page order, without one)."""
    view = PageView(page, rules)
    listed = {
        "title": title_candidates(page, rules, view, outlets),
        "date": date_candidates(page, rules, view),
        "outlet": outlet_candidates(page, rules, outlets, view),
    }
    head = page.lines[: page.body_start + 1]
    ruled = frozenset({"date"}) if any(p.search(t) for p in rules.datelines for t in head) else frozenset()
    reading = HeaderReading(page, model=model, ruled=ruled)
    for name in FIELDS:
        if model is None:
            reading.ranked[name] = [(0.0, c) for c in listed[name]]
        else:
            reading.ranked[name] = model.ranked(listed[name])
    return reading
