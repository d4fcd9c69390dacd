"""Choosing the layout that fits a dump best."""

from __future__ import annotations

from zhnews.transforms.layouts.article import GenericArticle, PortalArticle, UndatedPage, UntitledArticle
from zhnews.transforms.layouts.base import Layout
from zhnews.transforms.layouts.flash_feed import FlashFeed
from zhnews.transforms.layouts.search_listing import SearchListing
from zhnews.transforms.model import Line, SplitResult
from zhnews.transforms.profiles import Rulebook

LAYOUTS: tuple[Layout, ...] = (
    SearchListing(),
    FlashFeed(),
    PortalArticle(),
    UntitledArticle(),
    UndatedPage(),
    GenericArticle(),
)


def detect_layout(lines: list[Line], rules: Rulebook) -> Layout:
    """The layout with the highest fit score (earlier in LAYOUTS wins ties)."""
    return max(LAYOUTS, key=lambda layout: layout.score(lines, rules))


def split_dump(lines: list[Line], rules: Rulebook) -> SplitResult:
    """Split a dump's lines into document drafts with the best-fitting layout."""
    return detect_layout(lines, rules).split(lines, rules)
