"""Search-result listings: blocks of title / `outlet· date` / snippet or summary.

The header before the first block holds the search topic and interface chrome (listed per site
in the profiles' `[listing] chrome`).
"""

from __future__ import annotations

import re

from transforms.layouts.base import chrome, non_blank
from transforms.model import Draft, Line, SplitResult
from transforms.normalize.dates import find_datetime
from transforms.profiles import Rulebook

# "Xin Lang Cai Jing· 2025-12-25 17:24", "新浪财经 · 2025年12月25日", "证券时报· 2025-11-18 09:20"
_META = re.compile(r"^(?P<outlet>[^\s·•|].{0,40}?)\s*[·•|]\s*(?P<when>.{6,24})$")


def meta_fields(text: str) -> tuple[str, str] | None:
    """(outlet, date text) when the line is a listing's `outlet· date` line."""
    match = _META.match(text.strip())
    if not match:
        return None
    found = find_datetime(match["when"])
    if not found or found[1].group(0).strip() != match["when"].strip():
        return None
    return match["outlet"].strip(), match["when"].strip()


class SearchListing:
    """Many short documents, each introduced by a title line and an `outlet· date` line."""

    name = "search_listing"

    def _blocks(self, lines: list[Line]) -> list[int]:
        """Indexes (into the non-blank lines) of the meta lines that follow a title line."""
        return [i for i, line in enumerate(lines) if i > 0 and meta_fields(line.text)]

    def score(self, lines: list[Line], rules: Rulebook) -> float:
        content = non_blank(lines)
        metas = self._blocks(content)
        if len(metas) >= 2:
            return 0.95
        if len(metas) == 1 and rules.listing_chrome & {line.text.strip() for line in content[: metas[0]]}:
            return 0.9
        return 0.0

    def split(self, lines: list[Line], rules: Rulebook) -> SplitResult:
        content = non_blank(lines)
        metas = self._blocks(content)
        removed, drafts = [], []
        topic = None
        for line in content[: metas[0] - 1]:
            if line.text.strip() in rules.listing_chrome:
                removed.append(chrome(line, "listing_chrome"))
            elif topic is None:
                topic = line.text.strip()
                removed.append(chrome(line, "field:topic"))
            else:
                removed.append(chrome(line, "listing_header"))
        for n, meta_at in enumerate(metas):
            title_line, meta_line = content[meta_at - 1], content[meta_at]
            end = metas[n + 1] - 1 if n + 1 < len(metas) else len(content)
            outlet, when = meta_fields(meta_line.text) or ("", "")
            draft = Draft(ordinal=n + 1, layout=self.name, lines=content[meta_at + 1 : end])
            draft.fields.update(title=title_line.text.strip(), source=outlet, published=when)
            if topic:
                draft.fields["topic"] = topic
            draft.drop(title_line, "field:title")
            draft.drop(meta_line, "field:source+published")
            drafts.append(draft)
        return SplitResult(layout=self._variant(removed), drafts=drafts, chrome=removed)

    def _variant(self, header: list) -> str:
        """`search_listing_zh` / `_en` when the interface chrome shows its language."""
        chrome_texts = [r.text for r in header if r.rule == "listing_chrome"]
        if not chrome_texts:
            return self.name
        return f"{self.name}_{'zh' if any(map(_has_han, chrome_texts)) else 'en'}"


def _has_han(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)
