"""Removes the short widget lines a page leaves after the last paragraph (举报, 评论 0, 我要反馈, 收藏).

Article pages end with buttons and counters that no profile lists one by one. After the footer
and the metadata lines are gone, a run of short lines (at most `MAX_CHARS`) without a sentence
end at the end of an article body is page chrome. Listings are left alone (their snippets are
short), and the run never takes the last line that carries a sentence.
"""

from __future__ import annotations

import re

from zhnews.transforms.model import Draft
from zhnews.transforms.profiles import Rulebook

MAX_CHARS = 30
MIN_CLAUSE_CHARS = 15
_CLAUSE_MARK = re.compile(r"[，；]")  # full-width: counters write `1,234,567`
_SENTENCE = re.compile(r"[。！？!?…]|[。！？!?…][”」』）)]?$|～$")


def is_chrome_line(text: str) -> bool:
    """A short line with no sentence end: a button, counter, tag or link label.

    A line with two commas (`🍜吃的：镇口那家馄饨店开了三十多年，一碗12块，汤头超鲜`) is a clause of a
    post written without full stops, never a widget; so is a line ending in `～` (`…拍照也很出片～`)."""
    stripped = text.strip()
    return (
        len(stripped) <= MAX_CHARS
        and not _SENTENCE.search(stripped)
        and not (len(stripped) >= MIN_CLAUSE_CHARS and len(_CLAUSE_MARK.findall(stripped)) >= 2)
    )


class TrailingChrome:
    """Drops a trailing run of short non-sentence lines from article bodies."""

    name = "trailing_chrome"

    def __call__(self, draft: Draft, rules: Rulebook) -> None:
        if draft.layout.startswith("search_listing"):
            return
        start = len(draft.lines)
        while start > 1 and is_chrome_line(draft.lines[start - 1].text):
            start -= 1
        if start == len(draft.lines) or not any(not is_chrome_line(line.text) for line in draft.lines[:start]):
            return
        for line in draft.lines[start:]:
            draft.drop(line, self.name)
        draft.lines = draft.lines[:start]
