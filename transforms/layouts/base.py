"""What every layout provides, and line-shape helpers they share."""

from __future__ import annotations

import re
from typing import Protocol

from zhnews.transforms.model import Line, RemovedLine, SplitResult
from zhnews.transforms.profiles import Rulebook

# How a paragraph ends; headlines may end in ? ! or a closing quote, so those do not count.
SENTENCE_END = re.compile(r"[。；;，,：:…]$|\.\.\.$")
DIGITS_ONLY = re.compile(r"^\d{1,9}$")


class Layout(Protocol):
    """A dump layout: a structural fit score and a splitter."""

    name: str
    best_score: float  # the highest fit score it ever gives (lets detection stop early)

    def score(self, lines: list[Line], rules: Rulebook) -> float:
        """How well the dump fits this layout, 0 (not at all) to 1 (certainly)."""
        ...

    def split(self, lines: list[Line], rules: Rulebook) -> SplitResult:
        """Split the dump into drafts; lines outside every document go to `chrome`."""
        ...


def non_blank(lines: list[Line]) -> list[Line]:
    """The lines with text on them."""
    return [line for line in lines if line.text.strip()]


def is_boilerplate(text: str, rules: Rulebook) -> bool:
    """Whether a line-removal rule of the rulebook matches this line."""
    return rules.removes(text.strip())


def looks_like_heading(text: str, max_chars: int = 80) -> bool:
    """A short line that does not end like a sentence: a title or section heading."""
    stripped = text.strip()
    return 0 < len(stripped) <= max_chars and not SENTENCE_END.search(stripped)


def chrome(line: Line, rule: str) -> RemovedLine:
    """Record a line that belongs to the page, not to any document."""
    return RemovedLine(line.no, line.text, rule)
