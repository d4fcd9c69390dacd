"""Removes citation markers such as `[1]`, `[1][3]`, `[2,5]` that summaries carry."""

from __future__ import annotations

import re

from zhnews.transforms.model import Draft
from zhnews.transforms.profiles import Rulebook

# `(?<!\s)`: a match may only start where a whitespace run starts, else a long run of spaces
# with no marker after it is rescanned from every position (quadratic on a huge line).
CITATION = re.compile(r"(?<!\s)\s*(?:\[\d{1,3}(?:\s*[,，、\-–]\s*\d{1,3})*\])+")


class CitationMarkers:
    """Strips bracketed reference numbers; the text around them stays as it was."""

    name = "citation_markers"

    def __call__(self, draft: Draft, rules: Rulebook) -> None:
        for line in draft.lines:
            if "[" in line.text:  # every marker has one: most lines need no regex pass
                line.text, count = CITATION.subn("", line.text)
                draft.edited(self.name, count)
