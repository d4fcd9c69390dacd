"""Where a whole page's article text lies: the densest run of prose lines.

A page copied whole from a browser wraps its article in navigation (often 100+ menu lines),
breadcrumbs, share widgets, comment threads, recommendation feeds and footers. Those are runs of
short lines without sentence punctuation, while the article is a run of prose lines. Each line
gets a weight: prose counts its characters, a short non-prose line costs `SHORT_LINE_COST`. The
article is the run with the highest sum (Kadane's maximum subarray), so a subhead or a caption
between paragraphs is carried, while a comment thread, whose remarks are separated by names, times
and reply / like counters, is not.

A dump may hold several pages pasted one after another: the first run scoring at least
`FIRST_BLOCK_SHARE` of the best one is taken, so an earlier article is not passed over for a longer
later one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

SHORT_LINE_COST = 20  # what a short non-prose line (link, button, counter, name) takes off a run
CLAUSE_LINE_SHARE = 0.5  # a line with clause marks but no sentence end counts half its characters
MIN_CLAUSE_LINE = 12  # ... when it is at least this long
FIRST_BLOCK_SHARE = 0.5
_INDENT = ("\u3000", "  ", "\t")
_CLAUSE = re.compile(r"[，,；;、]")
CODE_ASCII_SHARE = 0.8
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_CODE = re.compile(r"[(){}\[\]=]|:$|^(import|from|def|class|return|print)\b")


@dataclass(frozen=True, slots=True)
class Block:
    """A run of lines `start..end` (inclusive indexes) and its summed weight."""

    start: int
    end: int
    score: float


def is_paragraph(raw: str) -> bool:
    """A line of prose: it has a full stop, or is long with commas, or is an indented sentence part."""
    text = raw.strip()
    if "。" in text:
        return True
    if len(text) >= 60 and re.search(r"[，,；;]", text):
        return True
    return raw.startswith(_INDENT) and bool(re.search(r"[，。！？；]", text))


def is_code(text: str) -> bool:
    """A line of program code quoted in an article (`handler = pymongo.MongoClient()`, `ifnot data:`)."""
    if not _CODE.search(text):
        return False
    return len(_NON_ASCII.findall(text)) <= (1 - CODE_ASCII_SHARE) * len(text)


@lru_cache(maxsize=8192)
def _shape(raw: str) -> tuple[float, bool]:
    """A line's weight and whether it is a paragraph (may open the article text). Memoized: menus repeat."""
    paragraph = is_paragraph(raw)
    return (float(len(raw.strip())) if paragraph else _other_weight(raw.strip())), paragraph


def line_weight(raw: str) -> float:
    """How much a line speaks for being article text (positive) or page chrome (negative); a line of
    code weighs nothing either way (tutorials quote it between paragraphs)."""
    return _shape(raw)[0]


def _other_weight(text: str) -> float:
    """The weight of a line that is no paragraph."""
    if len(text) >= MIN_CLAUSE_LINE and (_CLAUSE.search(text) or text.endswith(("：", ":"))):
        return len(text) * CLAUSE_LINE_SHARE
    if is_code(text):
        return 0.0
    return -float(SHORT_LINE_COST)


def _best_run(weights: list[float], opens: list[bool], low: int, high: int) -> Block | None:
    """The maximum-sum run of weights[low:high] that starts and ends on a positive line."""
    best: Block | None = None
    total, start = 0.0, low
    for i in range(low, high):
        if total <= 0:
            total, start = 0.0, i
        total += weights[i]
        if weights[i] > 0 and total > 0 and (best is None or total > best.score):
            best = Block(start, i, total)
    if best is None:
        return None
    start = best.start
    while start < best.end and not opens[start]:  # a run opens on a paragraph, never on a heading or chrome
        start += 1
    return Block(start, best.end, best.score)


@lru_cache(maxsize=16)
def text_candidates(texts: tuple[str, ...]) -> tuple[Block, ...]:
    """Where the article text may lie, most likely first: the first run scoring at least
    `FIRST_BLOCK_SHARE` of the heaviest one, then the heaviest (empty: no prose at all).

    Memoized: the layouts ask about the same lines several times (fit score, split, each article)."""
    shapes = [_shape(t) for t in texts]
    weights = [weight for weight, _ in shapes]
    opens = [paragraph for _, paragraph in shapes]
    if not any(opens):
        return ()
    best = _best_run(weights, opens, 0, len(weights))
    if best is None:
        return ()
    first = best
    while True:
        earlier = _best_run(weights, opens, 0, first.start)
        if earlier is None or earlier.score < FIRST_BLOCK_SHARE * best.score:
            return (first,) if first == best else (first, best)
        first = earlier


def main_text(texts: list[str]) -> Block | None:
    """The run of lines that most likely holds the article text (None: no prose at all)."""
    candidates = text_candidates(tuple(texts))
    return candidates[0] if candidates else None
