"""Reading one article page's header: build the page, list and score the candidates, keep the best of each field."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from zhnews.transforms.header.candidates import (
    Candidate,
    Page,
    _PageView,
    date_candidates,
    outlet_candidates,
    title_candidates,
)
from zhnews.transforms.header.model import FIELDS, HeaderModel
from zhnews.transforms.model import Line
from zhnews.transforms.normalize.outlets import OutletResolver
from zhnews.transforms.profiles import Rulebook

# Fields a page names outside its credit lines, offered to the outlet scorer under their own name.
NAMED_FIELDS = ("account", "site", "masthead", "site_credit", "byline_outlet", "outlet", "outlet_before", "source")


@dataclass(slots=True)
class HeaderReading:
    """The candidates of each field, best first, with their probabilities."""

    page: Page
    ranked: dict[str, list[tuple[float, Candidate]]] = field(default_factory=dict)
    model: HeaderModel | None = None  # what ranked them (None: the candidates in page order)

    def best(self, name: str) -> Candidate | None:
        ranked = self.ranked.get(name)
        return ranked[0][1] if ranked else None


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
    named = {name: fields[name] for name in NAMED_FIELDS if fields.get(name)}
    return Page(tuple(texts), start, end, rule_title, rule_date, rule_outlet, named, reference, tuple(numbers))


def read_header(page: Page, rules: Rulebook, outlets: OutletResolver, model: HeaderModel | None) -> HeaderReading:
    """Every candidate of the page's title, date and outlet, ranked by `model` (unranked, in page order, without one)."""
    view = _PageView(page, rules)
    listed = {
        "title": title_candidates(page, rules, view, outlets),
        "date": date_candidates(page, rules, view),
        "outlet": outlet_candidates(page, rules, outlets),
    }
    reading = HeaderReading(page, model=model)
    for name in FIELDS:
        if model is None:
            reading.ranked[name] = [(0.0, c) for c in listed[name]]
        else:
            reading.ranked[name] = model.ranked(listed[name])
    return reading
