"""`python -m bench.loso` counts a held-out page as the shared scorer does: documents are paired by title."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from zhnews.flows.header_training import AnnotatedPage
from zhnews.transforms.header.candidates import Candidate

from bench.loso import f1, tally

GOLD = {
    "title": "某市发布冬季供暖方案",
    "source": "某市日报",
    "published_at": "2020-11-02T08:00:00+08:00",
    "must_include": ["供暖季提前五天开始", "全市新增热源两处"],
}
BODY = "供暖季提前五天开始。全市新增热源两处。相关阅读：某地降温"


def _page(chosen_title: str) -> AnnotatedPage:
    candidates = {
        "title": [Candidate("title", chosen_title, 0, {})],
        "date": [],
        "outlet": [Candidate("outlet", "某市日报", 1, {})],
    }
    reading = SimpleNamespace(ranked={name: [(0.0, c) for c in found] for name, found in candidates.items()})
    return AnnotatedPage("set", "set:site", "page.txt", GOLD, reading, SimpleNamespace(body=BODY), ["相关阅读"])


def _first(page: AnnotatedPage, name: str):
    return next((c for _, c in page.reading.ranked[name]), None)


def test_a_page_whose_title_is_right_counts_its_snippets_and_its_leaked_boilerplate():
    counts = tally([_page("某市发布冬季供暖方案")], _first)
    assert (counts["tp"], counts["fn"], counts["fp"]) == (2, 0, 1)
    assert counts["outlet"] == 1
    assert f1(counts) == pytest.approx(2 * (2 / 3) * 1 / (2 / 3 + 1))


def test_a_page_whose_title_is_wrong_loses_its_snippets_and_its_outlet():
    counts = tally([_page("热点新闻排行")], _first)
    assert (counts["tp"], counts["fn"]) == (0, 2)
    assert counts["outlet"] == 0 and counts["outlet_n"] == 1
    assert f1(counts) == 0.0
