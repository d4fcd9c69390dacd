"""Flash-news feeds (7x24 / 电报 / 快讯): many short items, each a time stamp and a paragraph.

A feed page shows a day header (`2025年11月26日 星期三`, `11月26日 星期三`), then items of a line
holding only the time (`15:21:36`, `09:35`) and one paragraph, often opening with a
`【bracketed title】`; widgets (`收藏`, `分享`, `阅读 3.2W`) follow each item. Each item is a document:
its title is the bracketed title (none without one), its date the nearest day header above it
with the item's time (today's, read against the saving time, before any day header). Lines above
the first item are the page's chrome; an item's widgets and the page footer after the last item are
left to the cleaners (`trailing_chrome`, copyright rules).
"""

from __future__ import annotations

import re

from zhnews.transforms.layouts.base import chrome, non_blank
from zhnews.transforms.model import Draft, Line, SplitResult
from zhnews.transforms.normalize.dates import date_shape
from zhnews.transforms.profiles import Rulebook

_TIME_LINE = re.compile(r"^(?:[01]?\d|2[0-3])[:：][0-5]\d(?:[:：][0-5]\d)?$")
_BRACKET_TITLE = re.compile(r"^【(?P<title>[^】]{4,80})】\s*(?P<rest>.*)$")
MIN_ITEMS = 3  # timed items a feed has at least
MIN_ITEM_CHARS = 15  # the line after a time stamp is an item's text, not another widget
MAX_DAY_HEADER = 24


def is_time_line(text: str) -> bool:
    """A line holding only a time of day (`15:21:36`, `09:35`)."""
    return 4 <= len(text) <= 8 and text[0].isdigit() and _TIME_LINE.match(text) is not None


def is_day_header(text: str) -> bool:
    """A line holding only a date without a time (`2025年11月26日 星期三`, `11月26日 星期三`)."""
    return (
        len(text) <= MAX_DAY_HEADER
        and ":" not in text
        and "：" not in text
        and ("月" in text or "-" in text or "/" in text or "." in text)
        and date_shape(text) is not None
    )


class FlashFeed:
    """Time-stamped items under day headers: one document per item."""

    name = "flash_feed"
    best_score = 0.85

    @staticmethod
    def _items(content: list[str]) -> list[int]:
        """Indexes of the time lines followed by an item's text."""
        return [
            i
            for i, text in enumerate(content[:-1])
            if is_time_line(text) and len(content[i + 1]) >= MIN_ITEM_CHARS and not is_time_line(content[i + 1])
        ]

    def score(self, lines: list[Line], rules: Rulebook) -> float:
        content = [line.text.strip() for line in non_blank(lines)]
        return 0.85 if len(self._items(content)) >= MIN_ITEMS else 0.0

    def split(self, lines: list[Line], rules: Rulebook) -> SplitResult:
        content = non_blank(lines)
        texts = [line.text.strip() for line in content]
        items = self._items(texts)
        removed = []
        day = None
        for i in range(items[0]):
            if is_day_header(texts[i]):
                day = texts[i]
                removed.append(chrome(content[i], "day_header"))
            else:
                removed.append(chrome(content[i], "page_chrome"))
        drafts = []
        for n, at in enumerate(items):
            end = items[n + 1] if n + 1 < len(items) else len(content)
            draft = Draft(ordinal=n + 1, layout=self.name, lines=[])
            draft.drop(content[at], "field:published")
            draft.fields["published"] = f"{day or '今天'} {texts[at]}"
            for i in range(at + 1, end):
                if is_day_header(texts[i]):
                    day = texts[i]
                    draft.drop(content[i], "day_header")
                else:
                    draft.lines.append(content[i])
            self._take_title(draft)
            drafts.append(draft)
        return SplitResult(layout=self.name, drafts=drafts, chrome=removed)

    @staticmethod
    def _take_title(draft: Draft) -> None:
        """The item's leading `【title】` becomes its title; the text after it stays the body."""
        first = draft.lines[0] if draft.lines else None
        match = _BRACKET_TITLE.match(first.text.strip()) if first and first.text.lstrip().startswith("【") else None
        if match is None or not match["rest"]:
            return
        draft.fields["title"] = match["title"].strip()
        draft.lines[0] = Line(first.no, match["rest"], first.joined)
        draft.edited("field:title", 1)
