"""Marks listing snippets that end in an ellipsis as truncated and drops the marker."""

from __future__ import annotations

import re

from zhnews.transforms.model import Draft
from zhnews.transforms.profiles import Rulebook

_TRAILING_ELLIPSIS = re.compile(r"\s*(\.\.\.|…+|\.{3,})\s*$")
_ELLIPSES = ("...", "…")  # what a text that `_TRAILING_ELLIPSIS` matches ends with, trailing spaces aside


class TruncationMarker:
    """`... 举行电话 ...` → `... 举行电话`, flagged `truncated` (listing entries only)."""

    name = "truncation_marker"

    def __call__(self, draft: Draft, rules: Rulebook) -> None:
        if not draft.layout.startswith("search_listing") or not draft.lines:
            return
        last = draft.lines[-1]
        if not last.text.rstrip().endswith(_ELLIPSES):  # the pattern's test, without trying each position
            return
        new_text, count = _TRAILING_ELLIPSIS.subn("", last.text)
        if count:
            draft.flags.add("truncated")
            draft.edited(self.name, 1)
            last.text = new_text
            if not new_text.strip():
                draft.lines.pop()
