"""What a document's body is: a full article, a search snippet, or a (structured/English) summary."""

from __future__ import annotations

import re

_BULLET = re.compile(r"^(?:[-•·*]\s|\d+[.、]\s*|(?:Group \d+|Core Viewpoint|Key Points?)\s*[-:：])", re.I)
_LATIN = re.compile(r"[A-Za-z]")
_HAN = re.compile(r"[\u4e00-\u9fff]")


def listing_body_kind(lines: list[str], cited: bool = False) -> str:
    """`summary` for generated summaries, else `snippet` (a verbatim excerpt of the article).

    Summaries show bullets (at line starts, or inline as `heading - point - point`), citation
    markers (`cited`), or are mostly English text summarizing a Chinese article.
    """
    if cited or any(_BULLET.match(text.strip()) or text.count(" - ") >= 2 for text in lines):
        return "summary"
    joined = "".join(lines)
    if len(_LATIN.findall(joined)) > len(_HAN.findall(joined)):
        return "summary"
    return "snippet"
