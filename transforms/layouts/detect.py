"""Choosing the layout that fits a dump best."""

from __future__ import annotations

from zhnews.transforms.layouts.article import GenericArticle, PortalArticle, UndatedPage, UntitledArticle
from zhnews.transforms.layouts.base import Layout
from zhnews.transforms.layouts.flash_feed import FlashFeed
from zhnews.transforms.layouts.search_listing import SearchListing
from zhnews.transforms.model import Line, SplitResult
from zhnews.transforms.profiles import Rulebook

# In the order of the best score each can give (detect_layout relies on it).
LAYOUTS: tuple[Layout, ...] = (
    SearchListing(),
    FlashFeed(),
    PortalArticle(),
    UntitledArticle(),
    UndatedPage(),
    GenericArticle(),
)


def detect_layout(lines: list[Line], rules: Rulebook) -> Layout:
    """The layout with the highest fit score (earlier in LAYOUTS wins ties).

    LAYOUTS are listed by the best score each can give: once a fit scores at least what the layouts
    left could give, they are not asked (each fit score costs a pass over the dump).
    """
    best, best_score = LAYOUTS[-1], -1.0
    for layout in LAYOUTS:
        if layout.best_score <= best_score:
            break
        score = layout.score(lines, rules)
        if score > best_score:
            best, best_score = layout, score
    return best


def split_dump(lines: list[Line], rules: Rulebook) -> SplitResult:
    """Split a dump's lines into document drafts with the best-fitting layout."""
    return detect_layout(lines, rules).split(lines, rules)
