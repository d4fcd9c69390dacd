"""Joins paragraphs that a PDF or e-paper text export broke into fixed-width lines.

Such dumps mark a paragraph only by a full-width indent (`　　`) at its first line; the lines that
follow it directly (no blank line between) are its continuation. The cleaner acts only when the
body shows that shape: at least `MIN_INDENTED` indented lines, and some unindented line directly
after a line that does not end a sentence. Lines are joined without a space between Chinese
characters and with one between Latin letters or digits.
"""

from __future__ import annotations

import itertools
import re

from zhnews.transforms.model import Draft, Line
from zhnews.transforms.profiles import Rulebook

MIN_INDENTED = 2
_INDENT = ("\u3000", "  ", "\t")
_SENTENCE_END = re.compile(r"[。！？!?…”」』：:]$")
_LATIN_END = re.compile(r"[A-Za-z0-9]$")
_LATIN_START = re.compile(r"^[A-Za-z0-9]")


def _continues(previous: Line, line: Line) -> bool:
    return (
        line.no == previous.no + 1
        and not line.text.startswith(_INDENT)
        and not _SENTENCE_END.search(previous.text.strip())
    )


class HardWraps:
    """Merges continuation lines into the indented line that starts their paragraph."""

    name = "hard_wraps"

    def __call__(self, draft: Draft, rules: Rulebook) -> None:
        lines = draft.lines
        if sum(line.text.startswith(_INDENT) for line in lines) < MIN_INDENTED:
            return
        if not any(_continues(a, b) for a, b in itertools.pairwise(lines)):
            return
        merged: list[Line] = []
        last: Line | None = None  # the previous original line (its number tells adjacency)
        for line in lines:
            if merged and last is not None and _continues(last, line):
                head, tail = merged[-1].text.rstrip(), line.text.strip()
                glue = " " if _LATIN_END.search(head) and _LATIN_START.search(tail) else ""
                merged[-1].text = head + glue + tail
                merged[-1].joined.append(line.no)
                draft.edited(self.name, 1)
            else:
                merged.append(line)
            last = line
        draft.lines = merged
