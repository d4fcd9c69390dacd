"""Removes a page's trailing block: related/trending links after a footer marker, or a teaser run."""

from __future__ import annotations

import re
from functools import lru_cache

from zhnews.transforms.layouts.main_text import is_paragraph
from zhnews.transforms.model import Draft, Line
from zhnews.transforms.profiles import Rulebook

# A trending-link teaser: "headline... first words of the article..." ends in an ellipsis.
_TEASER = re.compile(r"^.{2,200}(\.\.\.|…)$")
MIN_TEASER_RUN = 3
RESUME_PARAGRAPHS = 2
MAX_MARKER_LINE = 30  # a footer marker line is a heading: longer lines are not compared
MAX_RELATED_LINES = 8
MAX_LINKED_MARKER_LINE = 80  # a marker with the first link's title after it (`延伸阅读：…`)


class TrailingFooter:
    """Everything from a footer marker line (相关内容, 热门资讯, ...) or a content-end pattern line
    (参考资料：, 返回搜狐…, END) on; then a trailing teaser run.

    A marker counts only after the first body line, so a page cannot lose its whole body to it.
    A run of at least `MIN_TEASER_RUN` teaser lines at the end is a trending footer even without
    a marker.
    """

    name = "trailing_footer"

    def __call__(self, draft: Draft, rules: Rulebook) -> None:
        lines = draft.lines
        markers = _marker_keys(rules.footer_markers)
        end = _any_end(rules.content_end)
        cut = next((i for i in range(1, len(lines)) if _ends_content(lines[i].text.strip(), markers, end)), len(lines))
        while cut < len(lines):
            marker = lines[cut].text.strip()
            resume = _resumes_at(lines, cut + 1) if _is_marker(marker, markers) else None
            if resume is None:
                self._drop_from(draft, cut, f"footer_marker:{marker[:20]}")
                break
            for line in lines[cut:resume]:  # a related-links block inside the article: the text goes on
                draft.drop(line, f"related_block:{marker[:20]}")
            lines = draft.lines = lines[:cut] + lines[resume:]
            cut = next(
                (i for i in range(cut, len(lines)) if _ends_content(lines[i].text.strip(), markers, end)), len(lines)
            )
        run_start = len(draft.lines)
        while run_start > 1 and _TEASER.match(draft.lines[run_start - 1].text.strip()):
            run_start -= 1
        if len(draft.lines) - run_start >= MIN_TEASER_RUN:
            self._drop_from(draft, run_start, "teaser_run")

    @staticmethod
    def _drop_from(draft: Draft, start: int, rule: str) -> None:
        tail: list[Line] = draft.lines[start:]
        for line in tail:
            draft.drop(line, rule)
        draft.lines = draft.lines[:start]


_MARKER_NOISE = re.compile(r"[\s·・|丨:：>»]+")


@lru_cache(maxsize=64)
def _marker_keys(markers: frozenset[str]) -> frozenset[str]:
    return frozenset(marker_key(m) for m in markers)


def marker_key(text: str) -> str:
    """A footer marker as compared: without spaces and separators (`延伸 · 推荐` = `延伸推荐`)."""
    return _MARKER_NOISE.sub("", text)


def _resumes_at(lines: list[Line], start: int) -> int | None:
    """Where the article text resumes after a marker's block of links: the first of `RESUME_PARAGRAPHS`
    consecutive paragraphs within `MAX_RELATED_LINES` lines (a comment thread never has such a run)."""
    for i in range(start, min(start + MAX_RELATED_LINES + 1, len(lines))):
        run = lines[i : i + RESUME_PARAGRAPHS]
        if len(run) == RESUME_PARAGRAPHS and all(is_paragraph(line.text) for line in run):
            return i
    return None


@lru_cache(maxsize=64)
def _any_end(patterns: tuple[re.Pattern[str], ...]) -> re.Pattern[str] | None:
    """The content-end patterns as one alternation (one scan of a line instead of one per pattern)."""
    return re.compile("|".join(f"(?:{p.pattern})" for p in patterns)) if patterns else None


def _ends_content(text: str, markers: frozenset[str], end: re.Pattern[str] | None) -> bool:
    """Whether the (stripped) line is a footer marker or matches `end`, the content-end patterns."""
    return _is_marker(text, markers) or (end is not None and end.search(text) is not None)


_LABEL_END = re.compile(r"[：:]")


def _is_marker(text: str, markers: frozenset[str]) -> bool:
    """A footer marker line, alone or as the label of the first link it introduces (`延伸阅读：某地…`)."""
    if len(text) <= MAX_MARKER_LINE and marker_key(text) in markers:
        return True
    label = _LABEL_END.search(text, 0, MAX_MARKER_LINE)
    return label is not None and len(text) <= MAX_LINKED_MARKER_LINE and marker_key(text[: label.start()]) in markers
